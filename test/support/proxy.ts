import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before } from 'node:test';
import { startProxy } from '../../src/proxy/index.js';
import type { RunningProxy } from '../../src/proxy/index.js';
import type { Backend } from './backends.js';
import { startServer } from './server.js';
import type { TestServer } from './server.js';

/** A test server with its proxy port, the CA in a temporary directory. */
export interface ProxiedServer extends TestServer {
  proxy: RunningProxy;
  proxyPort: number;
  caDir: string;
  /** The CA certificate, PEM. */
  ca: string;
}

/** Like serverFor: one proxied server for the enclosing suite, on a fresh store of `backend`. */
export function proxiedServerFor(backend: Backend): ProxiedServer {
  let current: ProxiedServer | undefined;
  before(async () => {
    const server = await startServer(await backend.fresh());
    const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-ca-'));
    const proxy = await startProxy(server.app, { host: '127.0.0.1', port: 0, caDir });
    const close = async () => {
      await proxy.close();
      await server.close();
      fs.rmSync(caDir, { recursive: true, force: true });
    };
    current = { ...server, proxy, proxyPort: Number(new URL(proxy.url).port), caDir, ca: fs.readFileSync(proxy.caCertPath, 'utf8'), close };
  });
  after(async () => {
    await current?.close();
    await backend.cleanup();
  });
  return new Proxy({} as ProxiedServer, {
    get: (_target, property) => {
      if (!current) throw new Error('the test server starts in the suite’s before() hook');
      return Reflect.get(current, property) as unknown;
    },
  });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Reads one whole response. */
function collect(response: http.IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    response.once('error', reject);
  });
}

/** Sends CONNECT `target` to the proxy; resolves to the proxy's answer and the socket. */
export function connect(proxyPort: number, target: string): Promise<{ status: number; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: target, headers: { host: target } });
    request.once('connect', (response, socket, head) => {
      // A refusal's body follows its headers: what was read with them, then the socket.
      let body = head.toString('utf8');
      if (response.statusCode !== 200) {
        socket.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        socket.once('end', () => resolve({ status: response.statusCode ?? 0, body, socket }));
      } else {
        resolve({ status: 200, body, socket });
      }
    });
    request.once('error', reject);
    request.end();
  });
}

export interface TunnelRequest {
  method?: string;
  path: string;
  auth?: { sid: string; token: string };
  body?: string;
  /** Trust this CA (PEM); the default is the server's. */
  ca?: string;
  host?: string;
}

/** Where a tunnel goes: a proxy port, the CA to trust, the account to use. */
export type TunnelEnd = Pick<ProxiedServer, 'proxyPort' | 'ca' | 'account'>;

/** One HTTPS request through a CONNECT tunnel, the way proxy-aware clients make it. */
export async function viaTunnel(server: TunnelEnd, options: TunnelRequest): Promise<RawResponse> {
  const host = options.host ?? 'numbers.twilio.com';
  const { status, body, socket } = await connect(server.proxyPort, `${host}:443`);
  if (status !== 200) throw new Error(`CONNECT refused: ${status} ${body}`);
  const secure = tls.connect({ socket, servername: host, ca: options.ca ?? server.ca });
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
  return new Promise((resolve, reject) => {
    const auth = options.auth ?? server.account;
    const headers: Record<string, string> = { host, authorization: 'Basic ' + Buffer.from(`${auth.sid}:${auth.token}`).toString('base64') };
    if (options.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const request = http.request({ createConnection: () => secure, method: options.method ?? 'GET', path: options.path, headers });
    request.once('response', (response) => void collect(response).then(resolve, reject));
    request.once('error', reject);
    request.end(options.body);
  });
}

/** A plain request to the proxy port with `target` as the request-target (absolute-form or not). */
export function viaPlainProxy(server: ProxiedServer, target: string, auth = server.account): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port: server.proxyPort,
      path: target,
      headers: { authorization: 'Basic ' + Buffer.from(`${auth.sid}:${auth.token}`).toString('base64') },
    });
    request.once('response', (response) => void collect(response).then(resolve, reject));
    request.once('error', reject);
    request.end();
  });
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real client program; killed (and the test failed) after `timeoutMs`. */
export function runChild(command: string, args: readonly string[], env: Record<string, string>, timeoutMs = 30_000): Promise<ChildResult> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The environment a real client gets: no proxy or CA settings inherited from the test run, a
 * temporary HOME, and what the test adds.
 */
export function clientEnv(home: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/proxy|^npm_|CA_CERTS|CA_BUNDLE|SSL_CERT|^TWILIO_/i.test(name)) env[name] = value;
  }
  return { ...env, HOME: home, ...extra };
}
