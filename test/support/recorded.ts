import type { FastifyInstance } from 'fastify';
import type twilio from 'twilio';
import { Accounts } from '../../src/accounts/accounts.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/store/db.js';
import { openAndMigrate } from '../../src/store/open.js';
import type { Credentials } from './server.js';
import { basic } from './server.js';
import { sdkClient } from './twilio-client.js';

/** What the app answered to one request, as sent: the request line, status and body. */
export interface Exchange {
  request: string;
  status: number;
  body: string;
}

/** A server in this process that records every response it sends, whoever the client. */
export interface RecordedServer {
  origin: string;
  app: FastifyInstance;
  db: Db;
  account: Credentials;
  exchanges: Exchange[];
  sdk(): twilio.Twilio;
  request(method: string, path: string, body?: string | FormData): Promise<Response>;
  close(): Promise<void>;
}

export async function startRecordedServer(databaseUrl: string, env: Record<string, string>): Promise<RecordedServer> {
  const db = await openAndMigrate(databaseUrl, { pgPoolSize: 5, sqlite: { backgroundCheckpoints: true } });
  const app = await buildApp({ config: loadConfig({ DATABASE_URL: databaseUrl, ...env }), db });
  const exchanges: Exchange[] = [];
  app.addHook('onSend', (request, reply, payload, done) => {
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('base64') : `<${typeof payload}>`;
    exchanges.push({ request: `${request.method} ${request.url}`, status: reply.statusCode, body });
    done(null, payload);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const created = await new Accounts(db).upsert({});
  const account = { sid: created.sid, token: created.auth_token };
  return {
    origin,
    app,
    db,
    account,
    exchanges,
    sdk: () => sdkClient(origin, account.sid, account.token),
    request: (method, path, body) => {
      const headers: Record<string, string> = { authorization: basic(account.sid, account.token) };
      if (typeof body === 'string') headers['content-type'] = 'application/x-www-form-urlencoded';
      return fetch(origin + path, { method, headers, body: body ?? null });
    },
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
