import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { FastifyBaseLogger } from 'fastify';
import type { LocalCa } from './ca.js';
import { absoluteTarget, connectTarget } from './hosts.js';
import { markProxied } from './origin.js';

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A client that connects and never starts TLS holds a socket; this is how long it may. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * An HTTP proxy that is the Twilio API: it terminates CONNECT tunnels to the hosts regcomp
 * serves with the local CA's certificates and hands each decrypted request, like each
 * absolute-form plain request, to the app's own handler. It never connects anywhere itself
 * and never resolves a name, so it cannot tunnel to the internet.
 */
export class TwilioProxy {
  private readonly outer: http.Server;
  /** Parses HTTP inside the tunnels; it has no port of its own. */
  private readonly inner: http.Server;
  private readonly tunnelHosts = new WeakMap<Duplex, string>();
  private readonly sockets = new Set<Duplex>();

  constructor(
    private readonly ca: LocalCa,
    private readonly handler: Handler,
    private readonly log: FastifyBaseLogger,
  ) {
    this.inner = http.createServer((request, response) => this.serve(request, response, this.tunnelHosts.get(request.socket)!));
    this.inner.on('clientError', (_err, socket) => endWith(socket, 400, 'not an HTTP request'));
    this.outer = http.createServer((request, response) => this.plain(request, response));
    // A TCP server's sockets are net.Sockets, whatever the event's declared type.
    this.outer.on('connect', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => void this.connect(request, socket as Socket, head));
    this.outer.on('clientError', (_err, socket) => endWith(socket, 400, 'not an HTTP proxy request'));
    this.outer.on('connection', (socket: Duplex) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.outer.once('error', reject);
      this.outer.listen(port, host, () => resolve());
    });
    return this.outer.address() as AddressInfo;
  }

  /** Stops listening and ends every connection (clients retry; draining is the API port's concern). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.outer.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse, host: string): void {
    markProxied(request, host);
    this.handler(request, response);
  }

  /** `GET http://numbers.twilio.com/v2/… HTTP/1.1`: a plain request for the proxy to forward. */
  private plain(request: http.IncomingMessage, response: http.ServerResponse): void {
    const verdict = absoluteTarget(request.url ?? '');
    if (!verdict.ok) {
      this.log.info({ target: request.url, reason: verdict.reason }, 'proxy refused a request');
      response.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      response.end(`regcomp proxy: ${verdict.reason}\n`);
      return;
    }
    request.url = verdict.path;
    this.serve(request, response, verdict.host);
  }

  private async connect(request: http.IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const verdict = connectTarget(request.url ?? '');
    if (!verdict.ok) {
      this.log.info({ target: request.url, reason: verdict.reason }, 'proxy refused a tunnel');
      endWith(socket, verdict.status, verdict.reason);
      return;
    }
    let context: tls.SecureContext;
    try {
      context = await this.ca.contextFor(verdict.host);
    } catch (err) {
      this.log.error({ err, host: verdict.host }, 'proxy could not issue a certificate');
      endWith(socket, 502, `could not issue a certificate for ${verdict.host}`);
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy());
    const first = await firstChunk(socket);
    if (!first) return;
    if (first[0] !== TLS_HANDSHAKE_RECORD) {
      // Inside the tunnel now: this answer reaches the client as the server's.
      endWith(socket, 400, `expected a TLS handshake for ${verdict.host}:443 after CONNECT`);
      return;
    }
    socket.unshift(first);
    this.terminate(socket, verdict.host, context);
  }

  private terminate(socket: Socket, host: string, secureContext: tls.SecureContext): void {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    // A client that does not trust the CA aborts the handshake: its own error says so.
    secure.on('error', (err) => {
      this.log.debug({ err, host }, 'proxy tunnel failed');
      secure.destroy();
      socket.destroy();
    });
    secure.once('secure', () => {
      socket.setTimeout(0);
      this.tunnelHosts.set(secure, host);
      this.inner.emit('connection', secure);
    });
  }
}

/** The first bytes a client sends, left paused for whoever reads next; null if it hangs up first. */
function firstChunk(socket: Duplex): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const finish = (chunk: Buffer | null) => {
      socket.off('data', finish).off('end', hangUp).off('close', hangUp);
      socket.pause();
      resolve(chunk);
    };
    const hangUp = () => finish(null);
    socket.on('data', finish).once('end', hangUp).once('close', hangUp);
  });
}

/** A whole HTTP/1.1 refusal on a raw socket, then the end of it. */
function endWith(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `regcomp proxy: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
