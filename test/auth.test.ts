import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { Accounts } from '../src/accounts/accounts.js';
import { backends } from './support/backends.js';
import { basic, serverFor } from './support/server.js';
import { sdkClient } from './support/twilio-client.js';

const LIST = '/v2/RegulatoryCompliance/EndUsers';
const DETAIL = 'Your AccountSid or AuthToken was incorrect.';

async function expect401(response: Response, message: RegExp): Promise<void> {
  assert.equal(response.status, 401);
  assert.equal(response.headers.get('www-authenticate'), 'Basic realm="Twilio API"');
  const body = (await response.json()) as Record<string, unknown>;
  assert.equal(body.code, 20003);
  assert.equal(body.status, 401);
  assert.equal(body.detail, DETAIL);
  assert.match(String(body.message), message);
}

for (const backend of backends) {
  describe(`authentication and account isolation (${backend.name})`, () => {
    const server = serverFor(backend, { CREDENTIAL_CACHE_MS: '300' });
    const raw = (authorization: string | undefined) =>
      fetch(server.origin + LIST, { headers: authorization ? { authorization } : {} });

    test('no credentials, malformed credentials, wrong token and unknown account are all 401 (20003)', async () => {
      await expect401(await raw(undefined), /^Authentication Error - No credentials provided$/);
      await expect401(await raw('Bearer abc'), /No credentials provided/);
      await expect401(await raw('Basic !!!notbase64'), /invalid username/);
      await expect401(await raw(basic(server.account.sid, 'wrong')), /^Authentication Error - invalid username$/);
      await expect401(await raw(basic(`AC${'f'.repeat(32)}`, server.account.token)), /^Authentication Error - invalid username$/);
      await expect401(await raw(basic('not-a-sid', 'x')), /invalid username/);
      await expect401(await raw(basic(server.account.sid, '')), /invalid username/);
      await expect401(await raw('Basic ' + 'A'.repeat(5000)), /invalid username/);
      // Auth is checked before anything else on API routes.
      const unauthenticatedPost = await fetch(server.origin + LIST, { method: 'POST', body: 'FriendlyName=x&Type=individual' });
      await expect401(unauthenticatedPost, /No credentials/);
    });

    test('an unknown account and a wrong token get byte-identical answers', async () => {
      const a = await raw(basic(server.account.sid, 'wrong-token'));
      const b = await raw(basic(`AC${'1'.repeat(32)}`, 'wrong-token'));
      assert.equal(await a.text(), await b.text());
    });

    test('each account sees only its own end users; another account\'s SID is 404 for every method', async () => {
      const other = await server.newAccount();
      const mine = await server.sdk().numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Mine', type: 'individual' });
      const theirs = server.sdk(other).numbers.v2.regulatoryCompliance.endUsers;
      await assert.rejects(theirs(mine.sid).fetch(), { status: 404, code: 20404 });
      await assert.rejects(theirs(mine.sid).update({ friendlyName: 'Stolen' }), { status: 404, code: 20404 });
      await assert.rejects(theirs(mine.sid).remove(), { status: 404, code: 20404 });
      assert.deepEqual(await theirs.list(), []);
      const still = await server.sdk().numbers.v2.regulatoryCompliance.endUsers(mine.sid).fetch();
      assert.equal(still.friendlyName, 'Mine');
    });

    test('API keys authenticate as their account; the SDK finds the account from the key', async () => {
      const accounts = new Accounts(server.db);
      const key = await accounts.createKey(server.account.sid, 'ci key');
      assert.ok(key);
      assert.match(key.sid, /^SK[0-9a-f]{32}$/);
      // The SDK wants the account SID beside a key, but sends nothing of it on numbers v2 paths.
      const client = sdkClient(server.origin, key.sid, key.secret, server.account.sid);
      const created = await client.numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'By key', type: 'business' });
      assert.equal(created.accountSid, server.account.sid);
      await expect401(await raw(basic(key.sid, 'wrong-secret')), /invalid username/);
    });

    test('rotated tokens and deleted keys stop working, new ones start, within the cache time', async () => {
      const accounts = new Accounts(server.db);
      const account = await server.newAccount();
      const key = (await accounts.createKey(account.sid))!;
      assert.equal((await raw(basic(account.sid, account.token))).status, 200);
      assert.equal((await raw(basic(key.sid, key.secret))).status, 200);

      const rotated = (await accounts.rotateToken(account.sid))!;
      assert.equal(await accounts.deleteKey(key.sid), true);
      await sleep(400);
      await expect401(await raw(basic(account.sid, account.token)), /invalid username/);
      await expect401(await raw(basic(key.sid, key.secret)), /invalid username/);
      assert.equal((await raw(basic(account.sid, rotated.auth_token))).status, 200);
    });

    test('secrets are stored only as salted hashes', async () => {
      const row = await server.db.get<{ auth_token_hash: string }>('SELECT auth_token_hash FROM accounts WHERE sid = ?', [server.account.sid]);
      assert.ok(row);
      assert.ok(!row.auth_token_hash.includes(server.account.token));
      assert.match(row.auth_token_hash, /^scrypt\$/);
    });

    test('health endpoints need no credentials', async () => {
      assert.equal((await fetch(`${server.origin}/healthz`)).status, 200);
      const ready = await fetch(`${server.origin}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
    });

    test('metrics count requests by route pattern, never by concrete SID', async () => {
      const sid = `IT${'0'.repeat(32)}`;
      assert.equal((await server.request('GET', `${LIST}/${sid}`)).status, 404);
      const metrics = await (await fetch(`${server.origin}/metrics`)).text();
      assert.match(metrics, /regcomp_http_requests_total\{method="GET",route="\/v2\/RegulatoryCompliance\/EndUsers\/:sid",status="404"\} [1-9]/);
      assert.match(metrics, /regcomp_http_request_duration_seconds_bucket/);
      assert.ok(!metrics.includes(sid));
    });
  });
}
