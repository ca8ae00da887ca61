import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Accounts } from '../src/accounts/accounts.js';
import { hashSecret, newAuthToken } from '../src/accounts/secrets.js';
import { Authenticator } from '../src/twilio/auth.js';
import type { TwilioError } from '../src/twilio/errors.js';
import { newSid } from '../src/twilio/sid.js';
import { backends } from './support/backends.js';
import { cli } from './support/cli.js';
import type { TestServer } from './support/server.js';
import { basic, serverFor, startServer } from './support/server.js';
import { sdkClient } from './support/twilio-client.js';

/**
 * Hostile credentials and request floods: failed authentications are limited per client and
 * per username, the credential check queue is bounded, abandoned checks are dropped, cached
 * valid clients are never starved, new credentials work at once, and per-account request
 * limits are answered Twilio's way (which the real SDK's autoRetry rides out). Bounded loops;
 * no timing assertions.
 */
const LIST = '/v2/RegulatoryCompliance/EndUsers';

async function expectTooMany(response: Response): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, 429, text);
  assert.deepEqual(JSON.parse(text), {
    code: 20429,
    message: 'Too Many Requests',
    more_info: 'https://www.twilio.com/docs/errors/20429',
    status: 429,
  });
  assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
}

const wrong = () => basic(newSid('AC'), 'wrong-token');

for (const backend of backends) {
  describe(`hostile credentials (${backend.name})`, () => {
    // X-Forwarded-For stands in for many client addresses on loopback.
    const server = serverFor(backend, { TRUST_PROXY: 'true', AUTH_FAILURE_LIMIT: '5', AUTH_QUEUE_LIMIT: '4' });
    const get = (authorization: string, client: string, signal?: AbortSignal) =>
      fetch(server.origin + LIST, { headers: { authorization, 'x-forwarded-for': client }, signal: signal ?? null });

    test('failed authentications are limited per client address: 429 20429 with Retry-After; a cached valid client is still served', async () => {
      const good = basic(server.account.sid, server.account.token);
      assert.equal((await get(good, '192.0.2.1')).status, 200);
      for (let i = 0; i < 5; i++) assert.equal((await get(wrong(), '192.0.2.1')).status, 401);
      await expectTooMany(await get(wrong(), '192.0.2.1'));
      // Even a valid but uncached credential waits until the address's budget refills...
      const fresh = await server.newAccount();
      await expectTooMany(await get(basic(fresh.sid, fresh.token), '192.0.2.1'));
      // ...but a known valid client from that address, and other addresses, are served.
      assert.equal((await get(good, '192.0.2.1')).status, 200);
      assert.equal((await get(basic(fresh.sid, fresh.token), '192.0.2.2')).status, 200);
    });

    test('failed authentications are limited per username, whatever the address', async () => {
      const target = await server.newAccount();
      for (let i = 0; i < 5; i++) assert.equal((await get(basic(target.sid, `guess-${i}`), `198.51.100.${i}`)).status, 401);
      await expectTooMany(await get(basic(target.sid, 'guess-x'), '198.51.100.99'));
      assert.equal((await get(wrong(), '198.51.100.100')).status, 401, 'another username from a new address is checked');
    });

    test('a flood of distinct bad credentials is answered (401 or 429), bounded; known and new clients are served during and after it', async () => {
      const good = basic(server.account.sid, server.account.token);
      assert.equal((await get(good, '203.0.113.250')).status, 200);
      for (let round = 0; round < 5; round++) {
        const flood = Array.from({ length: 100 }, (_, i) => get(wrong(), `203.0.113.${i}`).then((r) => r.status));
        // A cached valid client is answered from memory, not queued behind the flood.
        assert.equal((await get(good, '203.0.113.251')).status, 200);
        const statuses = await Promise.all(flood);
        assert.ok(statuses.every((s) => s === 401 || s === 429), String(statuses));
        assert.ok(statuses.includes(429), 'the check queue is bounded');
      }
      const fresh = await server.newAccount();
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await get(basic(fresh.sid, fresh.token), '203.0.113.252')).status;
        if (status !== 200) await sleep(250);
      }
      assert.equal(status, 200, 'a new client gets in once the flood is over');
    });

    test('a new account works at once, even if its credentials were tried (and refused) just before', async () => {
      const sid = newSid('AC');
      const token = newAuthToken();
      assert.equal((await get(basic(sid, token), '192.0.2.77')).status, 401);
      await new Accounts(server.db).upsert({ sid, token });
      assert.equal((await get(basic(sid, token), '192.0.2.77')).status, 200);
      const rotated = (await new Accounts(server.db).rotateToken(sid))!;
      assert.equal((await get(basic(sid, rotated.auth_token), '192.0.2.77')).status, 200);
    });

    test('requests whose clients disconnect are answered or dropped; the server keeps serving', async () => {
      const controllers = Array.from({ length: 40 }, () => new AbortController());
      const gone = controllers.map((c, i) => get(wrong(), `192.0.2.${100 + i}`, c.signal).catch(() => 'aborted'));
      await sleep(20);
      for (const c of controllers) c.abort();
      await Promise.all(gone);
      const fresh = await server.newAccount();
      assert.equal((await get(basic(fresh.sid, fresh.token), '192.0.2.200')).status, 200);
    });
  });

  describe(`credentials made with the CLI (${backend.name})`, () => {
    let url: string;
    let server: TestServer;
    before(async () => {
      url = await backend.fresh();
      server = await startServer(url);
    });
    after(async () => {
      await server?.close();
      await backend.cleanup();
    });

    test('an account made with the CLI works at once, though its credentials were refused just before', async () => {
      const sid = newSid('AC');
      const token = newAuthToken();
      const get = () => fetch(server.origin + LIST, { headers: { authorization: basic(sid, token) } });
      assert.equal((await get()).status, 401);
      await cli(url, ['accounts', 'create', '--sid', sid, '--token', token]);
      assert.equal((await get()).status, 200);
    });
  });

  describe(`per-account request limits (${backend.name})`, () => {
    const server = serverFor(backend, { ACCOUNT_RATE_LIMIT: '50' });

    test('beyond the limit: 429 20429 with Retry-After, for that account only', async () => {
      const burst = await Promise.all(Array.from({ length: 120 }, () => server.request('GET', `${LIST}?PageSize=1`)));
      const statuses = burst.map((r) => r.status);
      assert.ok(statuses.includes(200) && statuses.includes(429), String(statuses));
      await expectTooMany(burst.find((r) => r.status === 429)!);
      for (const r of burst) if (r.status !== 429) await r.body?.cancel();
      const other = await server.newAccount();
      assert.equal((await server.request('GET', LIST, { auth: other })).status, 200);
    });

    test('the twilio SDK with autoRetry rides it out', async () => {
      await sleep(1500); // the first account's bucket refills
      // The SDK's own retry: up to 3 retries after random waits of up to 200, 400, 800 ms.
      const client = sdkClient(server.origin, server.account.sid, server.account.token, undefined, { autoRetry: true });
      const metric = async () => {
        const text = await (await fetch(`${server.origin}/metrics`)).text();
        return [...text.matchAll(/regcomp_http_requests_total\{[^}]*status="429"\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      };
      const before = await metric();
      const created = await client.numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Retried', type: 'individual' });
      for (let i = 0; i < 100; i++) {
        const fetched = await client.numbers.v2.regulatoryCompliance.endUsers(created.sid).fetch();
        assert.equal(fetched.friendlyName, 'Retried');
      }
      assert.ok((await metric()) > before, 'the limit was met (and retried)');
    });
  });
}

describe('credential checks of clients that have gone', () => {
  test('are dropped before they run', async () => {
    const source = { findCredential: () => Promise.resolve(undefined) };
    const authenticator = new Authenticator(source, 2000);
    const header = (n: number) => basic(`AC${String(n).padStart(32, '0')}`, 'x');
    const first = authenticator.authenticate(header(1), { client: 'a', gone: () => false });
    const second = authenticator.authenticate(header(2), { client: 'b', gone: () => true });
    await assert.rejects(first, (err: TwilioError) => err.code === 20003);
    await assert.rejects(second, (err: TwilioError) => err.code === 20408);
  });

  test('a flood of distinct bad headers never evicts a valid verdict', async () => {
    const sid = newSid('AC');
    const token = newAuthToken();
    const hash = await hashSecret(token);
    let reads = 0;
    const source = {
      findCredential: (username: string) => {
        reads++;
        return Promise.resolve(username === sid ? { account_sid: sid, hash } : undefined);
      },
    };
    const authenticator = new Authenticator(source, 60_000, { maxEntries: 5 });
    const client = (n: number) => ({ client: `c${n}`, gone: () => false });
    assert.equal(await authenticator.authenticate(basic(sid, token), client(0)), sid);
    for (let i = 1; i <= 20; i++) {
      await assert.rejects(authenticator.authenticate(basic(newSid('AC'), 'bad'), client(i)), (err: TwilioError) => err.code === 20003);
    }
    const before = reads;
    assert.equal(await authenticator.authenticate(basic(sid, token), client(99)), sid);
    assert.equal(reads, before, 'answered from memory');
  });
});
