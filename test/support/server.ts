import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import { after, before } from 'node:test';
import type twilio from 'twilio';
import { Accounts } from '../../src/accounts/accounts.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/store/db.js';
import { openAndMigrate } from '../../src/store/open.js';
import type { Backend } from './backends.js';
import { projectRoot } from './paths.js';
import { sdkClient } from './twilio-client.js';

export interface Credentials {
  sid: string;
  token: string;
}

/** A regcomp app served in this process on a free port, over a real database. */
export interface TestServer {
  origin: string;
  db: Db;
  app: FastifyInstance;
  /** An account made for the test, with its token. */
  account: Credentials;
  newAccount(): Promise<Credentials>;
  sdk(credentials?: Credentials): twilio.Twilio;
  /** fetch() against the server with Basic auth (the test account unless told otherwise). */
  request(method: string, path: string, options?: { body?: string | URLSearchParams; auth?: Credentials | null; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, ...env });
  const db = await openAndMigrate(databaseUrl, { pgPoolSize: 5, sqlite: { backgroundCheckpoints: true } });
  const app = await buildApp({ config, db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const newAccount = async () => {
    const created = await new Accounts(db).upsert({});
    return { sid: created.sid, token: created.auth_token };
  };
  const account = await newAccount();
  return {
    origin,
    db,
    app,
    account,
    newAccount,
    sdk: (credentials = account) => sdkClient(origin, credentials.sid, credentials.token),
    request: (method, urlPath, options = {}) => {
      const auth = options.auth === undefined ? account : options.auth;
      const headers: Record<string, string> = { ...options.headers };
      if (auth) headers.authorization = basic(auth.sid, auth.token);
      if (typeof options.body === 'string' && !headers['content-type']) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
      return fetch(origin + urlPath, { method, headers, body: options.body ?? null });
    },
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

export function basic(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

/** The server as its own process (`node dist/src/server.js`), for restarts and crashes. */
export interface ServerProcess {
  origin: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/src/server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /regcomp listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          origin: match[1]!,
          child,
          output: () => output,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
}

/**
 * Starts a server on a fresh store of `backend` before the enclosing suite and closes it (and
 * the store) after. The returned object stands for that server once the suite runs.
 */
export function serverFor(backend: Backend, env: Record<string, string> = {}): TestServer {
  let current: TestServer | undefined;
  before(async () => {
    current = await startServer(await backend.fresh(), env);
  });
  after(async () => {
    await current?.close();
    await backend.cleanup();
  });
  return new Proxy({} as TestServer, {
    get: (_target, property) => {
      if (!current) throw new Error('the test server starts in the suite’s before() hook');
      return Reflect.get(current, property) as unknown;
    },
  });
}
