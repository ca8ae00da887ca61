import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyHttpOptions, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from './config.js';
import { SECURITY_HEADERS, sendError } from './twilio/error-handler.js';
import type { TwilioError } from './twilio/errors.js';
import { errors } from './twilio/errors.js';
import { queryError } from './twilio/form.js';

/**
 * What keeps any one client from holding, starving or exhausting the server, and what keeps
 * every answer Twilio-shaped even when it is Node's HTTP server or Fastify's router, not a
 * route, that refuses the request:
 *
 * - every request arrives in full within REQUEST_TIMEOUT_MS (its headers within
 *   HEADERS_TIMEOUT_MS), else 408 20408 and the connection is closed;
 * - a request answered before its body was read (unknown route, 401, 405, 415…) closes its
 *   connection, so an unread body never holds a socket;
 * - at most MAX_CONNECTIONS sockets are open; further ones are dropped at once, and logged,
 *   before the process runs out of file descriptors;
 * - protocol errors (malformed HTTP, oversized headers, bad URLs, duplicate Host) and requests
 *   that arrive while the server shuts down get Twilio's `{code, message, more_info, status}`.
 */

/** Fastify construction options; spread into `Fastify({...})`. */
export function guardedServerOptions(config: Config): Partial<FastifyHttpOptions<http.Server>> {
  const shortest = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  return {
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      // How often Node looks for requests past their timeout: a fraction of the shortest.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(shortest / 4))),
      // A missing Host is refused by our own hook, with a Twilio body.
      requireHostHeader: false,
    },
    // Our own 503 (with Retry-After) during shutdown: see the onRequest hook.
    return503OnClosing: false,
    clientErrorHandler: onClientError,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
      closeIfBodyUnread(request, reply);
      const path = request.raw.url?.split('?')[0] ?? '/';
      // An over-long path parameter is a SID no resource has: the same 404 as any unknown SID.
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') sendError(reply, errors.notFound(path));
      else if (error.code === 'FST_ERR_BAD_URL') sendError(reply, errors.badRequest('the path is not valid percent-encoded UTF-8'));
      else sendError(reply, errors.internal());
    },
  };
}

export function registerHttpGuards(app: FastifyInstance, config: Config): void {
  // Every method Node parses is routable, so a known path answers 405 (with Allow) for all of
  // them, not 404 or a Fastify message. CONNECT never reaches a route (Node's 'connect' event).
  for (const method of http.METHODS) {
    if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method);
  }

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  app.addHook('onRequest', (request, reply, done) => {
    const refusal = refusalOf(request, closing);
    if (refusal) {
      closeIfBodyUnread(request, reply);
      if (closing) reply.header('Connection', 'close');
      sendError(reply, refusal);
      return;
    }
    done();
  });

  app.addHook('onSend', (request, reply, _payload, done) => {
    reply.headers(SECURITY_HEADERS);
    closeIfBodyUnread(request, reply);
    done();
  });

  const server = app.server;
  // CONNECT never reaches a route: Node hands its socket over (and, with no listener, drops it).
  server.on('connect', (_request: http.IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    writeRawError(socket, errors.methodNotAllowed([]));
  });
  server.maxConnections = config.maxConnections;
  // Connections over the limit are closed by Node as they are accepted; say so, at most once
  // every 10 s, so a flood neither goes unnoticed nor floods the log.
  let dropped = 0;
  let reportTimer: NodeJS.Timeout | undefined;
  server.on('drop', () => {
    dropped++;
    if (reportTimer) return;
    app.log.warn({ dropped, maxConnections: config.maxConnections }, 'connection limit reached: new connections are being dropped');
    dropped = 0;
    reportTimer = setTimeout(() => {
      reportTimer = undefined;
      if (dropped > 0) app.log.warn({ dropped, maxConnections: config.maxConnections }, 'connection limit reached: new connections are being dropped');
      dropped = 0;
    }, 10_000);
    reportTimer.unref();
  });
  // After listen, an accept() failure (EMFILE, ENFILE: out of file descriptors) is an 'error'
  // on the server: log it rather than crash or stay silent.
  server.on('listening', () => {
    server.on('error', (err: NodeJS.ErrnoException) => {
      app.log.error({ code: err.code, syscall: err.syscall }, 'the server cannot accept connections');
    });
  });
  app.addHook('onClose', (_instance, done) => {
    if (reportTimer) clearTimeout(reportTimer);
    done();
  });
}

/** The refusal a request gets before routing, reading its body or checking credentials. */
function refusalOf(request: FastifyRequest, closing: boolean): TwilioError | undefined {
  if (closing) return errors.unavailable();
  const raw = request.raw;
  let hosts = 0;
  for (let i = 0; i < raw.rawHeaders.length; i += 2) {
    if (raw.rawHeaders[i]!.toLowerCase() === 'host') hosts++;
  }
  if (hosts > 1) return errors.badRequest('more than one Host header');
  if (hosts === 0 && raw.httpVersion === '1.1') return errors.badRequest('no Host header');
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return errors.unsupportedMediaType(`Content-Encoding ${encoding.slice(0, 64)} is not supported; send the body unencoded`);
  }
  // Unknown routes answer without reading (or parsing) their body.
  if (request.is404) return errors.notFound(request.url.split('?')[0]!);
  return queryError(request.query);
}

/**
 * A request answered while its body is still unread or arriving: close the connection after
 * the answer, so a stalled body cannot hold the socket (Node would otherwise wait for it).
 */
function closeIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.complete) return;
  const length = raw.headers['content-length'];
  if ((length !== undefined && length !== '0') || raw.headers['transfer-encoding'] !== undefined) {
    reply.header('Connection', 'close');
  }
}

/** Errors Node's HTTP parser raises before any request exists: answered Twilio's way, then closed. */
function onClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // The code only: the error itself may quote the bytes the client sent.
  this.log.debug({ code: err.code }, 'client error');
  const response = (socket as Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
  if (!socket.writable || response?.headersSent) {
    socket.destroy();
    return;
  }
  const error =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? errors.requestTimeout()
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? errors.headersTooLarge()
        : errors.badRequest('malformed HTTP request');
  writeRawError(socket, error);
}

/** A Twilio error written straight to a socket no response object owns; then it is closed. */
function writeRawError(socket: Duplex, error: TwilioError): void {
  const body = JSON.stringify(error.toJSON());
  const headers = { ...SECURITY_HEADERS, ...error.headers };
  const lines = [
    `HTTP/1.1 ${error.status} ${http.STATUS_CODES[error.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}
