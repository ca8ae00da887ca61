import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newSid } from '../src/twilio/sid.js';
import { backends } from './support/backends.js';
import { cli } from './support/cli.js';
import type { Receiver } from './support/receiver.js';
import { startReceiver } from './support/receiver.js';
import type { ServerProcess, TestServer } from './support/server.js';
import { basic, spawnServer, startServer } from './support/server.js';

const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
const BUNDLES = '/v2/RegulatoryCompliance/Bundles';

for (const backend of backends) {
  describe(`review durability and exactly-once (${backend.name})`, () => {
    let receiver: Receiver;
    before(async () => {
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver?.close();
      await backend.cleanup();
    });
    const statuses = (sid: string) => receiver.received.filter((r) => r.body.includes(sid)).map((r) => new URLSearchParams(r.body).get('Status'));

    test('kill -9 between submit and decision loses neither the decision nor its callback', async () => {
      const url = await backend.fresh();
      const account = { sid: newSid('AC'), token: 'kill-nine-token-1234' };
      const env = {
        DATABASE_URL: url,
        TWILIO_ACCOUNT_SID: account.sid,
        TWILIO_AUTH_TOKEN: account.token,
        REVIEW_POLICY: 'approve',
        REVIEW_IN_REVIEW_AFTER_MS: '300',
        REVIEW_DECISION_AFTER_MS: '300',
        BACKGROUND_TICK_MS: '20',
        CALLBACK_TIMEOUT_MS: '1000',
      };
      const call = (server: ServerProcess, method: string, path: string, body?: string) =>
        fetch(server.origin + path, {
          method,
          headers: { authorization: basic(account.sid, account.token), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          body,
        });
      const first = await spawnServer(env);
      const created = (await (
        await call(first, 'POST', BUNDLES, `FriendlyName=K&Email=k%40example.com&RegulationSid=${GERMANY}&StatusCallback=${encodeURIComponent(receiver.url)}`)
      ).json()) as { sid: string };
      assert.equal((await call(first, 'POST', `${BUNDLES}/${created.sid}`, 'Status=pending-review')).status, 200);
      await first.stop('SIGKILL');
      const second = await spawnServer(env);
      try {
        // The first instance may have claimed the submit's callback when it was killed: the claim
        // expires (CALLBACK_TIMEOUT_MS + 5 s) and the second sends it. At least once, order not promised.
        await receiver.waitFor(() => ['pending-review', 'twilio-approved'].every((s) => statuses(created.sid).includes(s)), 20_000);
        const bundle = (await (await call(second, 'GET', `${BUNDLES}/${created.sid}`)).json()) as { status: string };
        assert.equal(bundle.status, 'twilio-approved');
        assert.equal(statuses(created.sid).filter((s) => s === 'twilio-approved').length, 1);
      } finally {
        await second.stop();
      }
    });

    test('two instances on one store apply each step once and send each callback once; the CLI decides', async () => {
      const url = await backend.fresh();
      const env = { REVIEW_POLICY: 'approve', REVIEW_IN_REVIEW_AFTER_MS: '50', REVIEW_DECISION_AFTER_MS: '50', BACKGROUND_TICK_MS: '10' };
      const a: TestServer = await startServer(url, env);
      const b: TestServer = await startServer(url, env);
      try {
        const sids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const server = i % 2 === 0 ? a : b;
          const bundle = await server.sdk(a.account).numbers.v2.regulatoryCompliance.bundles.create({
            friendlyName: `Twin ${i}`,
            email: 't@example.com',
            regulationSid: GERMANY,
            statusCallback: receiver.url,
          });
          await server.sdk(a.account).numbers.v2.regulatoryCompliance.bundles(bundle.sid).update({ status: 'pending-review' });
          sids.push(bundle.sid);
        }
        await receiver.waitFor(() => sids.every((sid) => statuses(sid).includes('twilio-approved')));
        await new Promise((resolve) => setTimeout(resolve, 300));
        for (const sid of sids) assert.deepEqual(statuses(sid), ['pending-review', 'twilio-approved'], sid);

        // The CLI decides; whichever instance is free delivers the callback, once.
        const out = JSON.parse(await cli(url, ['bundles', 'reject', sids[0]!, '--reason', 'Address is a PO box'])) as { status: string };
        assert.equal(out.status, 'twilio-rejected');
        await receiver.waitFor(() => statuses(sids[0]!).length === 3);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.deepEqual(statuses(sids[0]!), ['pending-review', 'twilio-approved', 'twilio-rejected']);
        const log = JSON.parse(await cli(url, ['bundles', 'callbacks', sids[0]!])) as { state: string }[];
        assert.deepEqual(log.map((c) => c.state), ['delivered', 'delivered', 'delivered']);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
