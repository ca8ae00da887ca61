import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Accounts } from '../src/accounts/accounts.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { loggerOptions } from '../src/logger.js';
import type { Db } from '../src/store/db.js';
import { openAndMigrate } from '../src/store/open.js';
import { backends } from './support/backends.js';
import { basic } from './support/server.js';

const LIST = '/v2/RegulatoryCompliance/EndUsers';
const SECRET_VALUE = 'pii-marker-7f3a';

for (const backend of backends) {
  describe(`logs and unexpected failures (${backend.name})`, () => {
    let db: Db;
    let app: FastifyInstance;
    let lines: string[];
    let authorization: string;
    let origin: string;
    before(async () => {
      const url = await backend.fresh();
      db = await openAndMigrate(url);
      lines = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      // A store whose end-user reads fail unexpectedly (not a connection problem): a 500, with
      // an error that quotes personal data the way PostgreSQL's do (message, detail, where).
      const failing: Db = Object.create(db) as Db;
      failing.get = <T>(sql: string, params?: readonly (string | number | bigint | null)[]) =>
        sql.includes('FROM end_users WHERE sid')
          ? Promise.reject(
              Object.assign(new Error(`boom ${SECRET_VALUE}`), {
                code: '23514',
                detail: `Failing row contains (IT…, {"email": "${SECRET_VALUE}"}).`,
                where: `JSON data, line 1: ${SECRET_VALUE}`,
              }),
            )
          : db.get<T>(sql, params);
      // The most verbose level: nothing secret at any level.
      const logger = { ...(loggerOptions('trace') as object), stream };
      app = await buildApp({ config: loadConfig({ DATABASE_URL: url }), db: failing, logger });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const account = await new Accounts(db).upsert({});
      authorization = basic(account.sid, account.auth_token);
    });
    /** Whatever ran before, in whichever order: nothing secret anywhere in the log. */
    const assertClean = () => {
      const log = lines.join('');
      assert.ok(!log.includes(SECRET_VALUE), `nothing personal or secret in the log:\n${log}`);
      assert.ok(!log.includes(authorization.slice(6)), 'no credentials in the log');
    };
    after(async () => {
      await app?.close();
      await db?.close();
      await backend.cleanup();
    });

    test('attribute values and credentials never reach the log', async () => {
      const body = new URLSearchParams({ FriendlyName: 'Logged', Type: 'individual', Attributes: JSON.stringify({ email: SECRET_VALUE }) });
      const created = await fetch(origin + LIST, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body });
      assert.equal(created.status, 201);
      const bad = new URLSearchParams({ FriendlyName: 'x', Type: 'individual', Attributes: `[${SECRET_VALUE}` });
      assert.equal((await fetch(origin + LIST, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: bad })).status, 400);
      await fetch(origin + LIST, { headers: { authorization } });
      const log = lines.join('');
      assert.ok(lines.length >= 3, 'requests are logged');
      assert.ok(log.includes('"statusCode":201'), log);
      assertClean();
    });

    test('credentials in the URL (query string, user info) never reach the log', async () => {
      const from = lines.length;
      await fetch(`${origin}${LIST}?AuthToken=${SECRET_VALUE}&PageSize=1`, { headers: { authorization } });
      await fetch(`${origin}/nothing?password=${SECRET_VALUE}`);
      const { port } = new URL(origin);
      // An absolute-form request target with user info, as a proxy-style client sends it.
      await new Promise<void>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port: Number(port) }, () => {
          socket.write(`GET http://AC${'0'.repeat(32)}:${SECRET_VALUE}@127.0.0.1:${port}${LIST} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        });
        socket.on('data', () => undefined);
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      await sleep(50);
      assert.ok(lines.length > from, 'those requests are logged');
      assert.ok(lines.slice(from).some((l) => l.includes(`"url":"${LIST}"`)), lines.slice(from).join(''));
      assertClean();
    });

    test('an unexpected failure is a bare 500 (20500), logged on the server only', async () => {
      const response = await fetch(`${origin}${LIST}/IT${'a'.repeat(32)}`, { headers: { authorization } });
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.deepEqual(JSON.parse(text), {
        code: 20500,
        message: 'Internal Server Error',
        more_info: 'https://www.twilio.com/docs/errors/20500',
        status: 500,
      });
      const failure = lines.find((l) => l.includes('"level":50') && l.includes('request failed'));
      assert.ok(failure, 'the failure is logged');
      assert.match(failure, /"code":"23514"/, 'with its code');
      assertClean();
    });
  });
}
