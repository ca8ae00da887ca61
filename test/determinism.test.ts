import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { backends } from './support/backends.js';
import { DOCUMENTS, documentForm, smallPdf } from './support/documents.js';
import type { Receiver } from './support/receiver.js';
import { startReceiver } from './support/receiver.js';
import type { RecordedServer } from './support/recorded.js';
import { startRecordedServer } from './support/recorded.js';
import { serverFor, spawnServer } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
const TWILIO = 'https://numbers.twilio.com';
// Responses name Twilio's host (the SDK maps it to ours), not the ephemeral port of each run.
const DETERMINISTIC = {
  DETERMINISTIC_SEED: 'snapshot-seed',
  PUBLIC_BASE_URL: TWILIO,
  REVIEW_POLICY: 'evaluate',
  REVIEW_IN_REVIEW_AFTER_MS: '60000',
  REVIEW_DECISION_AFTER_MS: '120000',
};
const START = '2026-01-01T00:00:00Z';

interface Requirements {
  end_user: { type: string; fields: string[] }[];
  supporting_document: { accepted_documents: { type: string; fields: string[] }[] }[][];
}

function valuesFor(fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, f === 'address_sids' ? [`AD${'a'.repeat(32)}`] : f === 'email' ? 'ops@acme.example' : `${f} of Acme`]));
}

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return JSON.parse(text) as T;
}

/**
 * The scripted run, through the SDK and plain HTTP: end users, documents (one uploaded with its
 * file), a bundle with a status callback, items, an evaluation, a submit, an hour on the clock
 * (the delayed review decides), and lists read page by page with their tokens.
 */
async function script(server: RecordedServer, callbackUrl: string): Promise<void> {
  const rc = server.sdk().numbers.v2.regulatoryCompliance;
  const requirements = (await rc.regulations(GERMANY).fetch()).requirements as Requirements;
  const endUser = await rc.endUsers.create({ friendlyName: 'Acme GmbH', type: 'business', attributes: valuesFor(requirements.end_user[0]!.fields) });
  assert.equal(endUser.dateCreated.toISOString(), '2026-01-01T00:00:00.000Z', 'dates follow the deterministic clock');
  for (let i = 0; i < 4; i++) await rc.endUsers.create({ friendlyName: `Person ${i}`, type: 'individual', attributes: { first_name: `N${i}` } });
  const documents: string[] = [];
  for (const [i, requirement] of requirements.supporting_document.flat().entries()) {
    const accepted = requirement.accepted_documents[0]!;
    if (i === 0) {
      const fields = { FriendlyName: accepted.type, Type: accepted.type, Attributes: JSON.stringify(valuesFor(accepted.fields)) };
      documents.push((await json<{ sid: string }>(await server.request('POST', DOCUMENTS, documentForm(fields, { bytes: smallPdf('Acme GmbH'), type: 'application/pdf' })), 201)).sid);
    } else {
      documents.push((await rc.supportingDocuments.create({ friendlyName: accepted.type, type: accepted.type, attributes: valuesFor(accepted.fields) })).sid);
    }
  }
  const bundle = await rc.bundles.create({ friendlyName: 'Acme DE', email: 'ops@acme.example', regulationSid: GERMANY, statusCallback: callbackUrl });
  for (const sid of [endUser.sid, ...documents]) await rc.bundles(bundle.sid).itemAssignments.create({ objectSid: sid });
  assert.equal((await rc.bundles(bundle.sid).evaluations.create()).status, 'compliant');
  await rc.bundles(bundle.sid).update({ status: 'pending-review' });

  await json(await server.request('POST', '/regcomp/Clock', 'AdvanceMs=3600000'));
  const decided = await rc.bundles(bundle.sid).fetch();
  assert.equal(decided.status, 'twilio-approved');
  // In review a minute after the submit, decided two minutes later: the clock stepped through both.
  assert.equal(decided.dateUpdated.toISOString(), '2026-01-01T00:03:00.000Z');

  let next: string | null = `${TWILIO}/v2/RegulatoryCompliance/EndUsers?PageSize=2`;
  let pages = 0;
  while (next) {
    next = (await json<{ meta: { next_page_url: string | null } }>(await server.request('GET', next.slice(TWILIO.length)))).meta.next_page_url;
    pages++;
  }
  assert.equal(pages, 3);
  assert.equal((await rc.bundles(bundle.sid).itemAssignments.list({ pageSize: 1 })).length, 1 + documents.length);
  await json(await server.request('GET', `/regcomp/Bundles/${bundle.sid}/Callbacks`));
  await json(await server.request('GET', '/regcomp/Clock'));
}

for (const backend of backends) {
  describe(`deterministic runs (${backend.name})`, () => {
    let receiver: Receiver;
    before(async () => {
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver.close();
      await backend.cleanup();
    });

    test('two complete runs on two fresh stores answer byte for byte the same, callbacks included', async () => {
      const runs = [];
      for (let i = 0; i < 2; i++) {
        const server = await startRecordedServer(await backend.fresh(), DETERMINISTIC);
        const from = receiver.received.length;
        try {
          await script(server, receiver.url);
          await receiver.waitFor((r) => r.length >= from + 2);
        } finally {
          await server.close();
        }
        const callbacks = receiver.received.slice(from).map((r) => `${String(r.headers['x-twilio-signature'])} ${r.body}`);
        runs.push({ exchanges: server.exchanges, callbacks });
      }
      const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
      assert.ok(first.exchanges.length > 20, `a long run: ${first.exchanges.length} responses`);
      assert.ok(first.exchanges.some((e) => e.request.includes('PageToken=')), 'page tokens are part of it');
      assert.equal(second.exchanges.length, first.exchanges.length);
      first.exchanges.forEach((exchange, i) => assert.deepEqual(second.exchanges[i], exchange, `response ${i}: ${exchange.request}`));
      assert.equal(first.callbacks.length, 2);
      assert.deepEqual(second.callbacks, first.callbacks);
    });

    test('a restart on the same store goes on: new SIDs (none re-drawn), the clock where it was', async () => {
      const url = await backend.fresh();
      const sids = new Set<string>();
      const createSome = async (server: RecordedServer) => {
        for (let i = 0; i < 3; i++) {
          const created = await json<{ sid: string; date_created: string }>(await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', `FriendlyName=R${i}&Type=individual`), 201);
          sids.add(created.sid);
        }
      };
      let server = await startRecordedServer(url, DETERMINISTIC);
      const firstAccount = server.account.sid;
      await createSome(server);
      await json(await server.request('POST', '/regcomp/Clock', 'Now=2026-03-01T12:00:00Z'));
      await server.close();

      server = await startRecordedServer(url, DETERMINISTIC);
      try {
        assert.notEqual(server.account.sid, firstAccount, 'the second run draws other SIDs');
        const clock = await json<{ now: string; run: number }>(await server.request('GET', '/regcomp/Clock'));
        assert.deepEqual(clock, { now: '2026-03-01T12:00:00.000Z', now_ms: Date.parse('2026-03-01T12:00:00Z'), run: 2 });
        await createSome(server);
        assert.equal(sids.size, 6, 'six end users, six SIDs');
        const listed = await json<{ results: { sid: string; date_created: string }[] }>(await server.request('GET', '/v2/RegulatoryCompliance/EndUsers'));
        assert.equal(listed.results.length, 3);
        assert.ok(listed.results.every((r) => r.date_created === '2026-03-01T12:00:00Z'));
      } finally {
        await server.close();
      }
    });

    test('the clock: read, set (forward only), advanced; bad input is a 400 naming the parameter', async () => {
      const server = await startRecordedServer(await backend.fresh(), { ...DETERMINISTIC, DETERMINISTIC_START: '2030-06-01T08:00:00Z' });
      try {
        assert.deepEqual(await json(await server.request('GET', '/regcomp/Clock')), { now: '2030-06-01T08:00:00.000Z', now_ms: Date.parse('2030-06-01T08:00:00Z'), run: 1 });
        assert.equal((await json<{ now: string }>(await server.request('POST', '/regcomp/Clock', 'AdvanceMs=1500'))).now, '2030-06-01T08:00:01.500Z');
        assert.equal((await json<{ now: string }>(await server.request('POST', '/regcomp/Clock', 'Now=2030-07-01T00:00:00Z'))).now, '2030-07-01T00:00:00.000Z');
        const created = await json<{ date_created: string }>(await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', 'FriendlyName=A&Type=individual'), 201);
        assert.equal(created.date_created, '2030-07-01T00:00:00Z');
        await expectTwilioError(await server.request('POST', '/regcomp/Clock', 'Now=2030-06-30T00:00:00Z'), 400, 20001, /Now.*only moves forward/);
        await expectTwilioError(await server.request('POST', '/regcomp/Clock', 'Now=tomorrow'), 400, 20001, /Now/);
        await expectTwilioError(await server.request('POST', '/regcomp/Clock', 'AdvanceMs=-5'), 400, 20001, /AdvanceMs/);
        await expectTwilioError(await server.request('POST', '/regcomp/Clock', 'AdvanceMs=5&Now=2031-01-01T00:00:00Z'), 400, 20001, /either Now .* or AdvanceMs/);
        await expectTwilioError(await server.request('POST', '/regcomp/Clock', ''), 400, 20001, /either Now/);
        await expectTwilioError(await server.request('DELETE', '/regcomp/Clock'), 405, 20004);
        assert.equal((await json<{ now: string }>(await server.request('GET', '/regcomp/Clock'))).now, '2030-07-01T00:00:00.000Z', 'refusals changed nothing');
        // Moves sent together are applied one after the other, each from where the last left it.
        await Promise.all([1000, 2000].map((ms) => server.request('POST', '/regcomp/Clock', `AdvanceMs=${ms}`)));
        assert.equal((await json<{ now: string }>(await server.request('GET', '/regcomp/Clock'))).now, '2030-07-01T00:00:03.000Z');
      } finally {
        await server.close();
      }
    });

    test('advancing the clock runs a callback retry that falls due, dated on the clock', async () => {
      const server = await startRecordedServer(await backend.fresh(), { ...DETERMINISTIC, REVIEW_POLICY: 'manual', BACKGROUND_TICK_MS: '20' });
      let calls = 0;
      receiver.status = () => (++calls === 1 ? 500 : 200);
      try {
        const form = new URLSearchParams({ FriendlyName: 'B', Email: 'x@example.com', RegulationSid: GERMANY, StatusCallback: receiver.url }).toString();
        const bundle = await json<{ sid: string }>(await server.request('POST', '/v2/RegulatoryCompliance/Bundles', form), 201);
        await json(await server.request('POST', `/v2/RegulatoryCompliance/Bundles/${bundle.sid}`, 'Status=pending-review'));
        type Log = { callbacks: { state: string; attempts: { date_started: string; response_code: number }[] }[] };
        const log = async () => (await json<Log>(await server.request('GET', `/regcomp/Bundles/${bundle.sid}/Callbacks`))).callbacks[0]!;
        // The first attempt is due at once (the ticker sends it); its retry a second later, on the clock.
        const until = Date.now() + 15_000;
        while ((await log()).attempts.length < 1) {
          assert.ok(Date.now() < until, 'the first attempt was made');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal((await log()).state, 'pending');
        await json(await server.request('POST', '/regcomp/Clock', 'AdvanceMs=5000'));
        const after = await log();
        assert.equal(after.state, 'delivered');
        assert.deepEqual(after.attempts.map((a) => [a.date_started, a.response_code]), [[START, 500], ['2026-01-01T00:00:01Z', 200]]);
      } finally {
        receiver.status = () => 200;
        await server.close();
      }
    });

    test('a store a server has served without a seed is refused, with the reason, in one start-up line', async () => {
      const url = await backend.fresh();
      const normal = await spawnServer({ DATABASE_URL: url, PORT: '0' });
      await normal.stop();
      await assert.rejects(spawnServer({ DATABASE_URL: url, ...DETERMINISTIC }), /regcomp: DETERMINISTIC_SEED is set, but a server has already run on this store without it/);
    });

    test('the server announces a deterministic run in one line before it listens', async () => {
      const server = await spawnServer({ DATABASE_URL: await backend.fresh(), ...DETERMINISTIC });
      try {
        assert.match(server.output(), /regcomp deterministic mode \(DETERMINISTIC_SEED\): run 1 on this store, seeded SIDs, clock frozen at 2026-01-01T00:00:00\.000Z .*one instance per store\n/);
        assert.ok(!server.output().includes(DETERMINISTIC.DETERMINISTIC_SEED), 'the seed itself is not printed');
      } finally {
        await server.stop();
      }
    });
  });

  describe(`without DETERMINISTIC_SEED (${backend.name})`, () => {
    const server = serverFor(backend);

    test('the clock routes refuse, say how to enable them, and time is real', async () => {
      await expectTwilioError(await server.request('GET', '/regcomp/Clock'), 403, 20403, /DETERMINISTIC_SEED=<seed>/);
      await expectTwilioError(await server.request('POST', '/regcomp/Clock', { body: 'AdvanceMs=1000' }), 403, 20403, /DETERMINISTIC_SEED/);
      const before = Date.now();
      const created = await json<{ date_created: string }>(await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', { body: 'FriendlyName=A&Type=individual' }), 201);
      assert.ok(Math.abs(Date.parse(created.date_created) - before) < 60_000, `real time: ${created.date_created}`);
      assert.equal(server.app.deterministicRun, undefined);
    });
  });
}

describe('deterministic settings', () => {
  test('off unless DETERMINISTIC_SEED is set; DETERMINISTIC_START alone or malformed stops start-up', () => {
    assert.equal(loadConfig({}).deterministic, undefined);
    assert.deepEqual(loadConfig({ DETERMINISTIC_SEED: 's' }).deterministic, { seed: 's', startMs: Date.parse(START) });
    assert.deepEqual(loadConfig({ DETERMINISTIC_SEED: 's', DETERMINISTIC_START: '2027-02-03T04:05:06Z' }).deterministic?.startMs, Date.parse('2027-02-03T04:05:06Z'));
    assert.throws(() => loadConfig({ DETERMINISTIC_START: START }), (e: unknown) => e instanceof ConfigError && /needs DETERMINISTIC_SEED/.test(e.message));
    assert.throws(() => loadConfig({ DETERMINISTIC_SEED: 's', DETERMINISTIC_START: 'soon' }), (e: unknown) => e instanceof ConfigError && /DETERMINISTIC_START must be/.test(e.message));
  });
});
