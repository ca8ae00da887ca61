import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { newAuthToken } from '../src/accounts/secrets.js';
import { newSid } from '../src/twilio/sid.js';
import { backends } from './support/backends.js';
import { cli } from './support/cli.js';
import type { Credentials, ServerProcess } from './support/server.js';
import { basic, spawnServer } from './support/server.js';
import { TcpProxy } from './support/tcp-proxy.js';

/**
 * A real server process whose only way to PostgreSQL is a proxy this test breaks: PostgreSQL
 * killing the connection (as a restart does), the database going down, a host that stops
 * answering, a connection that goes silent mid-query. The shared PostgreSQL itself is never
 * touched beyond terminating this server's own connections.
 */
const END_USERS = '/v2/RegulatoryCompliance/EndUsers';
const STATEMENT_TIMEOUT_MS = 2000; // so a silent connection is given up after 4 s

const postgres = backends.find((b) => b.name === 'postgres')!;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  ms: number;
}

describe('database trouble', () => {
  const appName = `regcomp_outage_${randomBytes(4).toString('hex')}`;
  const account: Credentials = { sid: newSid('AC'), token: newAuthToken() };
  let proxy: TcpProxy;
  let server: ServerProcess;
  let locker: pg.Client;
  let watcher: pg.Client;
  let unseen: Credentials;
  let sid: string;
  let original: string;

  const call = async (method: string, path: string, options: { body?: string; auth?: Credentials | null } = {}): Promise<Reply> => {
    const auth = options.auth === undefined ? account : options.auth;
    const started = Date.now();
    const response = await fetch(server.origin + path, {
      method,
      headers: {
        ...(auth ? { authorization: basic(auth.sid, auth.token) } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: options.body ?? null,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers, ms: Date.now() - started };
  };

  const assertUnavailable = (reply: Reply, what: string): void => {
    assert.equal(reply.status, 503, `${what}: ${JSON.stringify(reply.body)}`);
    assert.deepEqual(reply.body, { code: 20503, message: 'Service unavailable', more_info: 'https://www.twilio.com/docs/errors/20503', status: 503 }, what);
    assert.equal(reply.headers.get('retry-after'), '1', what);
  };

  /** Waits (bounded) until the server answers normally again, and checks that it does. */
  const assertRecovers = async (): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while ((await call('GET', '/readyz', { auth: null })).status !== 200) {
      if (Date.now() > deadline) assert.fail('not ready again 10 s after the database came back');
      await sleep(100);
    }
    for (;;) {
      const fetched = await call('GET', `${END_USERS}/${sid}`);
      if (fetched.status === 200) {
        assert.equal(fetched.body.sid, sid);
        break;
      }
      // A pooled connection broken during the trouble may fail one more request: still a 503.
      assertUnavailable(fetched, 'fetch while recovering');
      if (Date.now() > deadline) assert.fail('requests still fail 10 s after the database came back');
      await sleep(100);
    }
    const created = await call('POST', END_USERS, { body: 'FriendlyName=after&Type=business' });
    assert.equal(created.status, 201);
    assert.equal((await call('GET', `${END_USERS}?PageSize=2`)).status, 200);
    assert.equal(server.child.exitCode, null, 'the server is still the same running process');
  };

  /** An update of the test's end user, held inside PostgreSQL by a row lock: a request in flight. */
  const updateInFlight = async (): Promise<{ reply: Promise<Reply> }> => {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM end_users WHERE sid = $1 FOR UPDATE', [sid]);
    const reply = call('POST', `${END_USERS}/${sid}`, { body: 'FriendlyName=in+flight' });
    for (let i = 0; ; i++) {
      const { rows } = await watcher.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [appName],
      );
      if (rows[0]!.n === '1') return { reply };
      if (i > 200) assert.fail('the update never reached PostgreSQL');
      await sleep(10);
    }
  };

  before(async () => {
    const direct = new URL(await postgres.fresh());
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(direct);
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('application_name', appName);
    server = await spawnServer({
      DATABASE_URL: viaProxy.toString(),
      TWILIO_ACCOUNT_SID: account.sid,
      TWILIO_AUTH_TOKEN: account.token,
      PG_POOL_SIZE: '3',
      PG_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    });
    const other = JSON.parse(await cli(direct.toString(), ['accounts', 'create'])) as { sid: string; auth_token: string };
    unseen = { sid: other.sid, token: other.auth_token };
    locker = new pg.Client({ connectionString: direct.toString() });
    watcher = new pg.Client({ connectionString: direct.toString() });
    await Promise.all([locker.connect(), watcher.connect()]);
    const created = await call('POST', END_USERS, { body: 'FriendlyName=steady&Type=individual' });
    assert.equal(created.status, 201);
    sid = String(created.body.sid);
    original = JSON.stringify(created.body);
    assert.equal((await call('GET', '/readyz', { auth: null })).status, 200);
  });

  after(async () => {
    await Promise.all([locker?.end().catch(() => {}), watcher?.end().catch(() => {})]);
    const exit = await server?.stop();
    await proxy?.close();
    await postgres.cleanup();
    // It was never killed by the trouble: it ran until asked to stop, and stopped cleanly.
    assert.equal(exit, 0, server?.output());
    assert.doesNotMatch(server?.output() ?? '', /uncaught|unhandled/i);
  });

  test('PostgreSQL kills the connection mid-request (as a restart does): 503 20503, then it recovers', async () => {
    const { reply: inFlight } = await updateInFlight();
    await watcher.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
    assertUnavailable(await inFlight, 'the request in flight');
    await locker.query('ROLLBACK');
    await assertRecovers();
    // The killed statement was rolled back with its connection.
    const fetched = await call('GET', `${END_USERS}/${sid}`);
    assert.equal(JSON.stringify(fetched.body), original);
  });

  test('the connection drops and PostgreSQL stays down: 503 20503 at once, not ready; back by itself', async () => {
    const { reply: inFlight } = await updateInFlight();
    await proxy.refuse();
    assertUnavailable(await inFlight, 'the request in flight');
    await locker.query('ROLLBACK');

    const during = [
      ['fetch', await call('GET', `${END_USERS}/${sid}`)],
      ['list', await call('GET', END_USERS)],
      ['create', await call('POST', END_USERS, { body: 'FriendlyName=x&Type=business' })],
      ['update', await call('POST', `${END_USERS}/${sid}`, { body: 'FriendlyName=y' })],
      ['delete', await call('DELETE', `${END_USERS}/${sid}`)],
      // Its credentials are not cached here: they cannot be checked, which is not a 401.
      ['another account', await call('GET', END_USERS, { auth: unseen })],
    ] as const;
    for (const [what, reply] of during) {
      assertUnavailable(reply, what);
      assert.ok(reply.ms < 1000, `${what} took ${reply.ms} ms`);
    }
    const ready = await call('GET', '/readyz', { auth: null });
    assert.deepEqual([ready.status, ready.body], [503, { status: 'database unavailable' }]);
    assert.equal((await call('GET', '/healthz', { auth: null })).status, 200, 'alive, only not ready');

    await proxy.restore();
    await assertRecovers();
  });

  test('the database host stops answering: 503 20503 after the 2 s connect timeout, never a hang', async () => {
    await proxy.silence();
    const fetched = await call('GET', `${END_USERS}/${sid}`);
    assertUnavailable(fetched, 'fetch');
    assert.ok(fetched.ms < 4000, `took ${fetched.ms} ms`);
    const ready = await call('GET', '/readyz', { auth: null });
    assert.equal(ready.status, 503);
    assert.ok(ready.ms < 4000, `readyz took ${ready.ms} ms`);

    await proxy.restore();
    await assertRecovers();
  });

  test('a connection goes silent mid-request (a partition): 503 20503 once the query timeout runs out', async () => {
    const { reply: inFlight } = await updateInFlight();
    proxy.freeze();
    await locker.query('ROLLBACK'); // PostgreSQL answers now, but the answer never arrives
    const reply = await inFlight;
    assertUnavailable(reply, 'the request in flight');
    assert.ok(reply.ms < STATEMENT_TIMEOUT_MS + 2000 + 1500, `took ${reply.ms} ms`);
    // New connections meet the same silence: the connect timeout answers for them.
    const fetched = await call('GET', `${END_USERS}/${sid}`);
    assertUnavailable(fetched, 'fetch during the partition');
    assert.ok(fetched.ms < 4000, `took ${fetched.ms} ms`);
    assert.equal((await call('GET', '/readyz', { auth: null })).status, 503);

    await proxy.restore();
    await assertRecovers();
  });
});

test('a server that cannot reach the database at start exits 1 with a clear message', async () => {
  await assert.rejects(
    spawnServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }),
    /server exited \(1\) before listening:\nregcomp: cannot reach the database: connect ECONNREFUSED 127\.0\.0\.1:1\n$/,
  );
});
