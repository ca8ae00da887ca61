import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { Accounts } from '../src/accounts/accounts.js';
import { backends } from './support/backends.js';
import type { Receiver } from './support/receiver.js';
import { startReceiver } from './support/receiver.js';
import type { Credentials, TestServer } from './support/server.js';
import { startServer } from './support/server.js';

const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
const FAST = { REVIEW_POLICY: 'approve', REVIEW_IN_REVIEW_AFTER_MS: '30', REVIEW_DECISION_AFTER_MS: '30', BACKGROUND_TICK_MS: '20' };

/** The form a callback carried, checked with twilio-node's own validateRequest. */
function validated(receiver: Receiver, token: string, index: number): Record<string, string> {
  const request = receiver.received[index]!;
  const url = receiver.url.replace(/\/callback$/, '') + request.url;
  const params = request.method === 'POST' ? Object.fromEntries(new URLSearchParams(request.body)) : {};
  const signature = String(request.headers['x-twilio-signature']);
  assert.ok(twilio.validateRequest(token, signature, url, params), `signature of ${request.method} ${request.url} ${request.body}`);
  return request.method === 'POST' ? params : Object.fromEntries(new URL(url).searchParams);
}

async function waitForStatus(server: TestServer, auth: Credentials, sid: string, status: string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    const bundle = (await (await server.request('GET', `/v2/RegulatoryCompliance/Bundles/${sid}`, { auth })).json()) as { status: string };
    if (bundle.status === status) return;
    if (Date.now() > until) throw new Error(`bundle ${sid} stayed ${bundle.status}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const backend of backends) {
  describe(`review lifecycle and status callbacks (${backend.name})`, () => {
    let server: TestServer;
    let receiver: Receiver;
    before(async () => {
      server = await startServer(await backend.fresh(), FAST);
      receiver = await startReceiver();
    });
    after(async () => {
      await server?.close();
      await receiver?.close();
      await backend.cleanup();
    });

    const submit = async (auth: Credentials, options: { isTest?: boolean } = {}) => {
      const bundles = server.sdk(auth).numbers.v2.regulatoryCompliance.bundles;
      const bundle = await bundles.create({ friendlyName: 'L', email: 'l@example.com', regulationSid: GERMANY, statusCallback: receiver.url, ...options });
      await bundles(bundle.sid).update({ status: 'pending-review' });
      return bundle.sid;
    };
    const callbacksFor = (sid: string) => receiver.received.map((r, i) => [r, i] as const).filter(([r]) => r.body.includes(sid) || r.url.includes(sid));

    test('approve: pending-review, then twilio-approved, each callback signed so validateRequest accepts it', async () => {
      const account = await server.newAccount();
      const sid = await submit(account);
      await waitForStatus(server, account, sid, 'twilio-approved');
      await receiver.waitFor(() => callbacksFor(sid).length >= 2);
      const forms = callbacksFor(sid).map(([, i]) => validated(receiver, account.token, i));
      assert.deepEqual(forms, [
        { AccountSid: account.sid, BundleSid: sid, Status: 'pending-review', FailureReason: '' },
        { AccountSid: account.sid, BundleSid: sid, Status: 'twilio-approved', FailureReason: '' },
      ]);
      const [first] = callbacksFor(sid)[0]!;
      assert.equal(first.method, 'POST');
      assert.equal(first.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(first.headers['user-agent'], 'TwilioProxy/1.1');
    });

    test('an account policy of reject, a test bundle, and manual decisions through the control API', async () => {
      const account = await server.newAccount();
      const policy = await server.request('POST', '/regcomp/ReviewPolicy', { auth: account, body: 'Policy=reject' });
      assert.deepEqual(await policy.json(), { policy: 'reject', in_review_after_ms: 30, decision_after_ms: 30 });
      const rejected = await submit(account);
      await waitForStatus(server, account, rejected, 'twilio-rejected');
      await receiver.waitFor(() => callbacksFor(rejected).length >= 2);
      assert.match(validated(receiver, account.token, callbacksFor(rejected)[1]![1]).FailureReason!, /review policy/);

      await server.request('POST', '/regcomp/ReviewPolicy', { auth: account, body: 'Policy=manual' });
      const manual = await submit(account);
      const test = await submit(account, { isTest: true });
      await waitForStatus(server, account, test, 'twilio-rejected');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await waitForStatus(server, account, manual, 'pending-review');
      const decided = await server.request('POST', `/regcomp/Bundles/${manual}/Review`, {
        auth: account,
        body: 'Status=twilio-rejected&FailureReason=Address%20is%20a%20PO%20box',
      });
      assert.equal(((await decided.json()) as { status: string }).status, 'twilio-rejected');
      await receiver.waitFor(() => callbacksFor(manual).length >= 2);
      assert.equal(validated(receiver, account.token, callbacksFor(manual)[1]![1]).FailureReason, 'Address is a PO box');

      // Another account cannot decide it; the delivery log shows every attempt.
      const stranger = await server.newAccount();
      assert.equal((await server.request('POST', `/regcomp/Bundles/${manual}/Review`, { auth: stranger, body: 'Status=twilio-approved' })).status, 404);
      const log = (await (await server.request('GET', `/regcomp/Bundles/${manual}/Callbacks`, { auth: account })).json()) as {
        callbacks: { state: string; params: { Status: string }; attempts: { response_code: number }[] }[];
      };
      assert.deepEqual(log.callbacks.map((c) => [c.params.Status, c.state, c.attempts.map((a) => a.response_code)]), [
        ['pending-review', 'delivered', [200]],
        ['twilio-rejected', 'delivered', [200]],
      ]);
    });

    test('a failing receiver is retried with backoff until it answers', async () => {
      const account = await server.newAccount();
      let failures = 2;
      receiver.status = () => (failures-- > 0 ? 500 : 200);
      try {
        const sid = await submit(account);
        await waitForStatus(server, account, sid, 'twilio-approved');
        const log = async () =>
          ((await (await server.request('GET', `/regcomp/Bundles/${sid}/Callbacks`, { auth: account })).json()) as {
            callbacks: { state: string; attempts: { response_code: number }[] }[];
          }).callbacks;
        const until = Date.now() + 15_000;
        while ((await log()).some((c) => c.state !== 'delivered') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        const attempts = (await log()).flatMap((c) => c.attempts.map((a) => a.response_code));
        assert.deepEqual(attempts.filter((code) => code === 500).length, 2);
        assert.ok((await log()).every((c) => c.state === 'delivered'));
      } finally {
        receiver.status = () => 200;
      }
    });

    test('withdrawing a submitted bundle cancels its scheduled review', async () => {
      const account = await server.newAccount();
      await server.request('POST', '/regcomp/ReviewPolicy', { auth: account, body: 'Policy=approve&InReviewAfterMs=400' });
      const sid = await submit(account);
      const bundles = server.sdk(account).numbers.v2.regulatoryCompliance.bundles;
      assert.equal((await bundles(sid).update({ status: 'draft' })).status, 'draft');
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal((await bundles(sid).fetch()).status, 'draft');
    });
  });
}

describe('status callbacks by GET, as seen in the wild', () => {
  const backend = backends[0]!;
  let server: TestServer;
  let receiver: Receiver;
  before(async () => {
    server = await startServer(await backend.fresh(), { ...FAST, CALLBACK_METHOD: 'GET' });
    receiver = await startReceiver();
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
    await backend.cleanup();
  });

  test('the parameters travel in the query and the signature covers the full URL', async () => {
    const account = server.account;
    const bundles = server.sdk().numbers.v2.regulatoryCompliance.bundles;
    const bundle = await bundles.create({ friendlyName: 'G', email: 'g@example.com', regulationSid: GERMANY, statusCallback: `${receiver.url}?tenant=7` });
    await bundles(bundle.sid).update({ status: 'pending-review' });
    await receiver.waitFor((r) => r.length >= 2);
    assert.equal(receiver.received[0]!.method, 'GET');
    const query = validated(receiver, account.token, 1);
    assert.equal(query.tenant, '7');
    assert.equal(query.Status, 'twilio-approved');
  });
});

describe('an account made before tokens were sealed gets its token sealed when it signs in', () => {
  const backend = backends[0]!;
  let server: TestServer;
  before(async () => {
    server = await startServer(await backend.fresh());
  });
  after(async () => {
    await server?.close();
    await backend.cleanup();
  });

  test('no sealed token: callbacks would go unsigned; the first verified sign-in seals it', async () => {
    const account = await server.newAccount();
    await server.db.run("UPDATE accounts SET auth_token_sealed = '' WHERE sid = ?", [account.sid]);
    const accounts = new Accounts(server.db);
    assert.equal(await accounts.signingToken(account.sid), undefined);
    assert.equal((await server.request('GET', '/v2/RegulatoryCompliance/Bundles', { auth: account })).status, 200);
    assert.equal(await accounts.signingToken(account.sid), account.token);
  });
});
