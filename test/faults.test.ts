import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { Accounts } from '../src/accounts/accounts.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Db } from '../src/store/db.js';
import { openAndMigrate } from '../src/store/open.js';
import { backends } from './support/backends.js';
import type { Backend } from './support/backends.js';
import { runCli } from './support/cli.js';
import type { Credentials, TestServer } from './support/server.js';
import { basic, startServer } from './support/server.js';
import { sdkClient } from './support/twilio-client.js';
import { expectTwilioError } from './support/twilio.js';

/**
 * Fault injection (issue 12 §2): rules set through /regcomp/Faults (or the CLI) make an
 * account's /v2 requests fail Twilio's way, slow down or lose their connection; counts are
 * exact across instances, other accounts and the control API are never touched.
 */
const END_USERS = '/v2/RegulatoryCompliance/EndUsers';
const PROBE = '/v2/RegulatoryCompliance/EndUserTypes';
const REFRESH_MS = 100;

interface FaultJson {
  sid: string;
  account_sid: string;
  type: string;
  method: string | null;
  path: string | null;
  count: number | null;
  remaining: number | null;
  probability: number;
  latency_ms: number;
  retry_after: number | null;
  applied: number;
  url: string;
}

/** A store of `backend` with one or more servers on it, for one suite. */
function storeWith(backend: Backend, instances: number) {
  const servers: TestServer[] = [];
  let url = '';
  before(async () => {
    url = await backend.fresh();
    for (let i = 0; i < instances; i++) servers.push(await startServer(url, { FAULTS_REFRESH_MS: String(REFRESH_MS) }));
  });
  after(async () => {
    for (const server of servers.splice(0)) await server.close();
    await backend.cleanup();
  });
  return { servers, url: () => url };
}

async function addFault(server: TestServer, body: string, auth?: Credentials): Promise<FaultJson> {
  const response = await server.request('POST', '/regcomp/Faults', { body, auth });
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return JSON.parse(text) as FaultJson;
}

async function faultOf(server: TestServer, sid: string): Promise<FaultJson> {
  const response = await server.request('GET', `/regcomp/Faults/${sid}`);
  assert.equal(response.status, 200);
  return (await response.json()) as FaultJson;
}

async function statuses(responses: Promise<Response>[]): Promise<number[]> {
  return Promise.all(
    responses.map(async (pending) => {
      const response = await pending;
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

/** Polls `probe` until it answers `status`, within a bound: what a refresh interval promises. */
async function until(probe: () => Promise<Response>, status: number, boundMs = 5000): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const response = await probe();
    await response.arrayBuffer();
    if (response.status === status) return;
    if (Date.now() > deadline) assert.fail(`still ${response.status}, not ${status}, after ${boundMs} ms`);
    await sleep(REFRESH_MS / 2);
  }
}

for (const backend of backends) {
  describe(`fault injection (${backend.name})`, () => {
    const store = storeWith(backend, 1);
    const server = () => store.servers[0]!;
    const get = (path = END_USERS, auth?: Credentials) => server().request('GET', path, { auth });
    afterEach(async () => {
      assert.equal((await server().request('DELETE', '/regcomp/Faults')).status, 204);
    });

    test('twilio-node with autoRetry rides out the injected 429s and gets the real answer', async () => {
      const { account } = server();
      const created = await server().sdk().numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Patient', type: 'individual' });
      const fault = await addFault(server(), `Type=too-many-requests&Count=3&Method=GET&Path=${END_USERS}/*`);
      // The SDK retries a 429 up to 3 times (its default), after 200, 400, 800 ms at most.
      const retrying = sdkClient(server().origin, account.sid, account.token, undefined, { autoRetry: true });
      const fetched = await retrying.numbers.v2.regulatoryCompliance.endUsers(created.sid).fetch();
      assert.equal(fetched.friendlyName, 'Patient');
      const spent = await faultOf(server(), fault.sid);
      assert.equal(spent.remaining, 0);
      assert.equal(spent.applied, 3);

      // Without autoRetry the client sees the 429 itself, as Twilio's.
      await addFault(server(), 'Type=too-many-requests&Count=1');
      await assert.rejects(server().sdk().numbers.v2.regulatoryCompliance.endUsers(created.sid).fetch(), { status: 429, code: 20429 });
      assert.equal((await server().sdk().numbers.v2.regulatoryCompliance.endUsers(created.sid).fetch()).sid, created.sid);
    });

    test('429, 500 and 503 are Twilio errors (Retry-After on 429 and 503), naming the rule in X-Regcomp-Fault', async () => {
      const tooMany = await addFault(server(), 'Type=too-many-requests&Count=1&RetryAfter=7');
      assert.equal(tooMany.retry_after, 7);
      let response = await get();
      assert.equal(response.headers.get('retry-after'), '7');
      assert.equal(response.headers.get('x-regcomp-fault'), tooMany.sid);
      await expectTwilioError(response, 429, 20429, /^Too Many Requests$/);

      const unavailable = await addFault(server(), 'Type=service-unavailable&Count=1&RetryAfter=2');
      response = await get();
      assert.equal(response.headers.get('retry-after'), '2');
      assert.equal(response.headers.get('x-regcomp-fault'), unavailable.sid);
      await expectTwilioError(response, 503, 20503);

      const internal = await addFault(server(), 'Type=internal-error&Count=1');
      assert.equal(internal.retry_after, null);
      response = await get();
      assert.equal(response.headers.get('retry-after'), null);
      await expectTwilioError(response, 500, 20500, /^Internal Server Error$/);

      response = await get();
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-regcomp-fault'), null);
    });

    test('Count is exact under concurrent requests; a spent rule stays listed with remaining 0', async () => {
      const fault = await addFault(server(), 'Type=too-many-requests&Count=7');
      const answered = await statuses(Array.from({ length: 30 }, () => get()));
      assert.equal(answered.filter((s) => s === 429).length, 7, String(answered));
      assert.equal(answered.filter((s) => s === 200).length, 23, String(answered));
      const listed = (await (await server().request('GET', '/regcomp/Faults')).json()) as { faults: FaultJson[] };
      assert.deepEqual(
        listed.faults.map((f) => [f.sid, f.count, f.remaining, f.applied]),
        [[fault.sid, 7, 0, 7]],
      );
    });

    test('Method and Path choose the requests; the control API is never faulted', async () => {
      await addFault(server(), `Type=internal-error&Method=post&Path=${END_USERS}`);
      const created = await server().request('POST', END_USERS, { body: 'FriendlyName=A&Type=business' });
      await expectTwilioError(created, 500, 20500);
      assert.equal((await get()).status, 200, 'GET is not POST');
      await server().request('DELETE', '/regcomp/Faults');

      const user = (await (await server().request('POST', END_USERS, { body: 'FriendlyName=A&Type=business' })).json()) as { sid: string };
      await addFault(server(), `Type=service-unavailable&Path=${END_USERS}`);
      assert.equal((await get(`${END_USERS}/${user.sid}`)).status, 200, 'no * : the exact path only');
      assert.equal((await get()).status, 503);
      await server().request('DELETE', '/regcomp/Faults');

      await addFault(server(), 'Type=internal-error&Path=/v2/RegulatoryCompliance/Bundles*');
      assert.equal((await get('/v2/RegulatoryCompliance/Bundles')).status, 500);
      assert.equal((await get(`/v2/RegulatoryCompliance/Bundles/BU${'0'.repeat(32)}/ItemAssignments`)).status, 500, '* spans slashes');
      assert.equal((await get('/v2/RegulatoryCompliance/Bundles?PageSize=5')).status, 500, 'the query string is not part of the path');
      assert.equal((await get()).status, 200);

      // Everything of the account's /v2, until cleared: the control API still answers.
      await addFault(server(), 'Type=drop');
      const listed = await server().request('GET', '/regcomp/Faults');
      assert.equal(listed.status, 200);
      assert.equal(((await listed.json()) as { faults: unknown[] }).faults.length, 2);
      assert.equal((await server().request('GET', '/regcomp/ReviewPolicy')).status, 200);
      assert.equal((await server().request('DELETE', '/regcomp/Faults')).status, 204);
      assert.equal((await get()).status, 200);
    });

    test('another account is never affected, and cannot see or remove the rules', async () => {
      const other = await server().newAccount();
      const fault = await addFault(server(), 'Type=internal-error');
      for (let i = 0; i < 5; i++) assert.equal((await get(END_USERS, other)).status, 200);
      assert.equal((await get()).status, 500);
      const theirs = (await (await server().request('GET', '/regcomp/Faults', { auth: other })).json()) as { faults: unknown[] };
      assert.deepEqual(theirs.faults, []);
      await expectTwilioError(await server().request('GET', `/regcomp/Faults/${fault.sid}`, { auth: other }), 404, 20404);
      await expectTwilioError(await server().request('DELETE', `/regcomp/Faults/${fault.sid}`, { auth: other }), 404, 20404);
      assert.equal((await server().request('DELETE', '/regcomp/Faults', { auth: other })).status, 204);
      assert.equal((await get()).status, 500, "the other account's clear removed only its own");
      assert.equal((await faultOf(server(), fault.sid)).applied, 2, 'both of its own requests, none of the other account');
    });

    test('latency delays the real answer by at least LatencyMs; on an error type it delays the error', async () => {
      await addFault(server(), 'Type=latency&LatencyMs=300&Count=1');
      let started = performance.now();
      let response = await get();
      assert.equal(response.status, 200);
      assert.ok(performance.now() - started >= 300, 'at least the delay');
      assert.match(await response.text(), /"results"/);

      await addFault(server(), 'Type=internal-error&LatencyMs=200&Count=1');
      started = performance.now();
      response = await get();
      assert.ok(performance.now() - started >= 200, 'at least the delay');
      await expectTwilioError(response, 500, 20500);
    });

    test('a server that shuts down cuts an injected delay short and still answers the request', async () => {
      const closing = await startServer(store.url());
      const fault = await addFault(closing, 'Type=latency&LatencyMs=300000&Count=1');
      const pending = closing.request('GET', END_USERS);
      // The rule's use is claimed before the delay starts: then the request is waiting.
      while ((await faultOf(closing, fault.sid)).applied === 0) await sleep(20);
      const bound = sleep(20_000).then(() => 'still waiting');
      assert.equal(await Promise.race([closing.close().then(() => 'closed'), bound]), 'closed');
      assert.equal((await pending).status, 200);
    });

    test('drop hangs up with no answer, to fetch and to the SDK; the server keeps serving', async () => {
      const endUsers = server().sdk().numbers.v2.regulatoryCompliance.endUsers;
      const kept = await endUsers.create({ friendlyName: 'Still here', type: 'business' });
      await addFault(server(), 'Type=drop&Count=2');
      await assert.rejects(get(), (err: Error) => {
        assert.equal(err.name, 'TypeError'); // undici's "fetch failed": the socket closed with no response
        return true;
      });
      await assert.rejects(endUsers(kept.sid).fetch(), (err: { code?: string; status?: number }) => {
        assert.equal(err.status, undefined, 'no HTTP answer');
        assert.match(String(err.code), /ECONNRESET|ERR_SOCKET|EPIPE/);
        return true;
      });
      assert.equal((await endUsers(kept.sid).fetch()).friendlyName, 'Still here');
    });

    test('Probability 0.5 faults about half of 200 requests; applied counts each one', async () => {
      const fault = await addFault(server(), 'Type=internal-error&Probability=0.5');
      let faulted = 0;
      for (let batch = 0; batch < 10; batch++) {
        const answered = await statuses(Array.from({ length: 20 }, () => get()));
        assert.ok(answered.every((s) => s === 200 || s === 500), String(answered));
        faulted += answered.filter((s) => s === 500).length;
      }
      // Binomial(200, 0.5): outside [40, 160] has a probability below 1e-17.
      assert.ok(faulted >= 40 && faulted <= 160, `${faulted} of 200`);
      assert.equal((await faultOf(server(), fault.sid)).applied, faulted);
    });

    test('Count with Probability: the next N requests that it hits', async () => {
      const fault = await addFault(server(), 'Type=internal-error&Probability=0.5&Count=5');
      const answered = await statuses(Array.from({ length: 100 }, () => get()));
      // Binomial(100, 0.5) reaches 5 hits but for a chance below 1e-21.
      assert.equal(answered.filter((s) => s === 500).length, 5);
      assert.equal((await faultOf(server(), fault.sid)).remaining, 0);
    });

    test('a rule is removed alone, or all at once; the first matching rule applies', async () => {
      const first = await addFault(server(), 'Type=internal-error&Method=GET');
      const second = await addFault(server(), 'Type=service-unavailable');
      assert.equal((await get()).status, 500, 'the older rule is tried first');
      assert.equal((await server().request('DELETE', `/regcomp/Faults/${first.sid}`)).status, 204);
      await expectTwilioError(await server().request('GET', `/regcomp/Faults/${first.sid}`), 404, 20404);
      await expectTwilioError(await server().request('DELETE', `/regcomp/Faults/${first.sid}`), 404, 20404);
      assert.equal((await get()).status, 503);
      assert.equal((await faultOf(server(), second.sid)).applied, 1);
      assert.equal((await server().request('DELETE', '/regcomp/Faults')).status, 204);
      assert.equal((await get()).status, 200);
      assert.deepEqual(((await (await server().request('GET', '/regcomp/Faults')).json()) as { faults: unknown[] }).faults, []);
    });

    test('bad parameters are 400s naming the parameter; unknown rules 404; other methods 405', async () => {
      const refused: [string, RegExp][] = [
        ['', /Missing required parameter Type/],
        ['Type=teapot', /Invalid parameter Type: must be one of too-many-requests, internal-error/],
        ['Type=drop&Count=0', /Invalid parameter Count/],
        ['Type=drop&Count=two', /Invalid parameter Count/],
        ['Type=drop&Count=1000001', /Invalid parameter Count/],
        ['Type=drop&Probability=0', /Invalid parameter Probability/],
        ['Type=drop&Probability=1.5', /Invalid parameter Probability/],
        ['Type=drop&Probability=half', /Invalid parameter Probability/],
        ['Type=latency', /Missing required parameter LatencyMs/],
        ['Type=latency&LatencyMs=-5', /Invalid parameter LatencyMs/],
        ['Type=latency&LatencyMs=300001', /Invalid parameter LatencyMs/],
        ['Type=internal-error&RetryAfter=3', /Invalid parameter RetryAfter: applies only to/],
        ['Type=too-many-requests&RetryAfter=soon', /Invalid parameter RetryAfter/],
        ['Type=drop&Method=PATCH', /Invalid parameter Method/],
        ['Type=drop&Path=/regcomp/Faults', /Invalid parameter Path: must be a path under \/v2/],
        ['Type=drop&Path=/v2/EndUsers?x=1', /Invalid parameter Path/],
        ['Type=drop&Cout=3', /Invalid parameter Cout: unknown/],
      ];
      for (const [body, message] of refused) {
        await expectTwilioError(await server().request('POST', '/regcomp/Faults', { body }), 400, 20001, message);
      }
      assert.deepEqual(((await (await server().request('GET', '/regcomp/Faults')).json()) as { faults: unknown[] }).faults, [], 'nothing was made');
      await expectTwilioError(await server().request('GET', `/regcomp/Faults/FT${'0'.repeat(32)}`), 404, 20404);
      await expectTwilioError(await server().request('GET', '/regcomp/Faults/nonsense'), 404, 20404);
      const put = await server().request('PUT', '/regcomp/Faults');
      assert.equal(put.headers.get('allow'), 'GET, POST, DELETE, HEAD');
      await expectTwilioError(put, 405, 20004);
    });

    test('an account has at most 100 rules', async () => {
      for (let i = 0; i < 100; i++) await addFault(server(), `Type=internal-error&Path=/v2/Nowhere/${i}`);
      await expectTwilioError(await server().request('POST', '/regcomp/Faults', { body: 'Type=drop' }), 400, 20001, /at most 100 faults/);
    });

    test('the CLI adds, lists, removes and clears rules, and a running server applies them within FAULTS_REFRESH_MS', async () => {
      const { account } = server();
      const cli = (...args: string[]) => runCli(store.url(), ['faults', ...args, '--account', account.sid]);
      const added = await cli('add', '--type', 'service-unavailable', '--path', PROBE, '--retry-after', '4');
      assert.equal(added.code, 0, added.stderr);
      const fault = JSON.parse(added.stdout) as FaultJson;
      assert.equal(fault.retry_after, 4);
      await until(() => get(PROBE), 503);
      const listed = await cli('list');
      assert.deepEqual(
        (JSON.parse(listed.stdout) as FaultJson[]).map((f) => f.sid),
        [fault.sid],
      );
      const removed = await cli('remove', fault.sid);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal((await get(PROBE)).status, 200, 'a removed rule is gone at once, even where it was cached');
      assert.equal((await cli('remove', fault.sid)).code, 1);

      assert.equal((await cli('add', '--type', 'drop', '--count', '1')).code, 0);
      const cleared = await cli('clear');
      assert.match(cleared.stderr, /removed 1 fault\b/);
      assert.equal((await get()).status, 200);

      const bad = await cli('add', '--type', 'latency');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /Missing required parameter LatencyMs/);
      const nobody = await runCli(store.url(), ['faults', 'add', '--type', 'drop', '--account', `AC${'0'.repeat(32)}`]);
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /no account AC0+/);
    });
  });

  describe(`an account without faults costs no query (${backend.name})`, () => {
    let db: Db;
    let app: FastifyInstance;
    const faultQueries: string[] = [];
    before(async () => {
      const url = await backend.fresh();
      db = await openAndMigrate(url);
      // The app's database, with every statement that reads or writes fault rules noted.
      const noted = new Proxy(db, {
        get: (target, name) => {
          const value = Reflect.get(target, name) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (typeof args[0] === 'string' && /\bfaults\b/.test(args[0])) faultQueries.push(args[0]);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      app = await buildApp({ config: loadConfig({ DATABASE_URL: url, FAULTS_REFRESH_MS: '60000' }), db: noted });
      await app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await app.close();
      await db.close();
      await backend.cleanup();
    });

    test('requests of an account with no rules never touch the faults table; those of a faulted account do', async () => {
      const accounts = new Accounts(db);
      const [plain, faulted] = [await accounts.upsert({}), await accounts.upsert({})];
      const { port } = app.server.address() as AddressInfo;
      const call = async (account: { sid: string; auth_token: string }, method: 'GET' | 'POST', path: string, body?: string) => {
        const headers = { authorization: basic(account.sid, account.auth_token), 'content-type': 'application/x-www-form-urlencoded' };
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body: body ?? null });
        await response.arrayBuffer();
        return response.status;
      };
      assert.equal(await call(faulted, 'POST', '/regcomp/Faults', 'Type=internal-error&Count=1'), 201);
      faultQueries.length = 0;
      for (let i = 0; i < 10; i++) assert.equal(await call(plain, 'GET', END_USERS), 200);
      assert.deepEqual(faultQueries, []);
      assert.equal(await call(faulted, 'GET', END_USERS), 500);
      assert.ok(faultQueries.length >= 2, 'the rules were read and one use claimed');
    });
  });

  describe(`fault injection across two instances on one ${backend.name} store`, () => {
    const store = storeWith(backend, 2);

    test('a rule made on one instance reaches the other within FAULTS_REFRESH_MS; Count is exact across both', async () => {
      const [a, b] = [store.servers[0]!, store.servers[1]!];
      const { account } = a;
      // b has never seen a fault of this account: it applies one after its next refresh.
      await addFault(a, `Type=internal-error&Path=${PROBE}`);
      await until(() => b.request('GET', PROBE, { auth: account }), 500);

      const fault = await addFault(a, `Type=too-many-requests&Count=20&Path=${END_USERS}`);
      const requests = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).request('GET', END_USERS, { auth: account }));
      const answered = await statuses(requests);
      assert.equal(answered.filter((s) => s === 429).length, 20, String(answered));
      assert.equal(answered.filter((s) => s === 200).length, 40, String(answered));
      const spent = await faultOf(a, fault.sid);
      assert.deepEqual([spent.remaining, spent.applied], [0, 20]);

      // A clear on a is at once the end of the account's faults on b too.
      assert.equal((await a.request('DELETE', '/regcomp/Faults')).status, 204);
      assert.equal((await b.request('GET', PROBE, { auth: account })).status, 200);
    });
  });
}
