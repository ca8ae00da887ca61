import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { KEPT_TABLES, WIPED_TABLES } from '../src/accounts/wipe.js';
import { UploadStaging } from '../src/resources/supporting-documents/staging.js';
import { backends } from './support/backends.js';
import { cli, runCli } from './support/cli.js';
import { DOCUMENTS, documentForm, postForm, smallPdf } from './support/documents.js';
import type { Receiver } from './support/receiver.js';
import { startReceiver } from './support/receiver.js';
import type { Credentials, TestServer } from './support/server.js';
import { startServer } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const API = '/v2/RegulatoryCompliance';
const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
const FAST = { BACKGROUND_TICK_MS: '20' };

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return JSON.parse(text) as T;
}

/** What `populate` makes, row by row: the counts a wipe of that account must report. */
const POPULATED = {
  callback_attempts: 1,
  status_callbacks: 1,
  evaluations: 1,
  item_assignments: 2,
  bundle_status_history: 2,
  bundles: 1,
  supporting_document_files: 1,
  supporting_document_uploads: 1,
  supporting_documents: 2,
  end_users: 2,
  review_settings: 1,
  faults: 1,
};

/**
 * Gives `auth` one of everything an account can own: end users, documents (one with a file), a
 * bundle with items and an evaluation, its own review policy, a delivered status callback, and
 * the staged chunk of an upload a crash left behind.
 */
async function populate(server: TestServer, auth: Credentials, callbackUrl: string, marker: string): Promise<{ bundle: string }> {
  const post = (path: string, body: string) => server.request('POST', path, { body, auth });
  const person = await json<{ sid: string }>(await post(`${API}/EndUsers`, new URLSearchParams({ FriendlyName: 'Ada', Type: 'individual', Attributes: JSON.stringify({ first_name: marker }) }).toString()), 201);
  await json(await post(`${API}/EndUsers`, 'FriendlyName=Bob&Type=individual'), 201);
  const withFile = await json<{ sid: string }>(await postForm(server.origin, auth, documentForm({ FriendlyName: 'Passport', Type: 'passport' }, { bytes: smallPdf(marker), type: 'application/pdf' })), 201);
  await json(await post(DOCUMENTS, 'FriendlyName=Bill&Type=utility_bill'), 201);
  await new UploadStaging(server.db).stage(UploadStaging.newUploadId(), auth.sid, Readable.from([Buffer.from(`staged ${marker}`)]));
  await json(await post('/regcomp/ReviewPolicy', 'Policy=manual'));
  // A fault rule on a path nothing here calls, so it stays in place until the wipe.
  await json(await post('/regcomp/Faults', 'Type=internal-error&Path=/v2/Nowhere*&Count=1'), 201);
  const bundle = await json<{ sid: string }>(await post(`${API}/Bundles`, new URLSearchParams({ FriendlyName: 'B', Email: 'x@example.com', RegulationSid: GERMANY, StatusCallback: callbackUrl }).toString()), 201);
  for (const sid of [person.sid, withFile.sid]) await json(await post(`${API}/Bundles/${bundle.sid}/ItemAssignments`, `ObjectSid=${sid}`), 201);
  await json(await post(`${API}/Bundles/${bundle.sid}/Evaluations`, ''), 201);
  await json(await post(`${API}/Bundles/${bundle.sid}`, 'Status=pending-review'));
  // The submit's callback, delivered and its attempt recorded (the attempt is written after the answer).
  const until = Date.now() + 15_000;
  for (;;) {
    const log = await json<{ callbacks: { state: string; attempts: unknown[] }[] }>(await server.request('GET', `/regcomp/Bundles/${bundle.sid}/Callbacks`, { auth }));
    if (log.callbacks[0]?.state === 'delivered' && log.callbacks[0].attempts.length === 1) break;
    assert.ok(Date.now() < until, `the callback was not delivered: ${JSON.stringify(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { bundle: bundle.sid };
}

async function holdings(server: TestServer, auth: Credentials): Promise<Record<string, number>> {
  const count = async (path: string, key: string) => (await json<Record<string, unknown[]>>(await server.request('GET', path, { auth })))[key]!.length;
  return { end_users: await count(`${API}/EndUsers`, 'results'), documents: await count(DOCUMENTS, 'results'), bundles: await count(`${API}/Bundles`, 'results') };
}

const HOLDS_ALL = { end_users: 2, documents: 2, bundles: 1 };
const HOLDS_NOTHING = { end_users: 0, documents: 0, bundles: 0 };
const NOTHING = Object.fromEntries(Object.keys(POPULATED).map((table) => [table, 0]));

for (const backend of backends) {
  describe(`wiping one account's data (${backend.name})`, () => {
    let databaseUrl: string;
    let server: TestServer;
    let receiver: Receiver;
    before(async () => {
      databaseUrl = await backend.fresh();
      server = await startServer(databaseUrl, FAST);
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver?.close();
      await server?.close();
      await backend.cleanup();
    });

    test('DELETE /regcomp/Data removes everything the caller owns, says what, and leaves the other account alone', async () => {
      const [mine, theirs] = [await server.newAccount(), await server.newAccount()];
      const kept = await populate(server, theirs, receiver.url, 'theirs');
      await populate(server, mine, receiver.url, 'mine');

      const wiped = await json(await server.request('DELETE', '/regcomp/Data', { auth: mine }));
      assert.deepEqual(wiped, { account_sid: mine.sid, deleted: POPULATED });
      assert.deepEqual(await holdings(server, mine), HOLDS_NOTHING);
      assert.equal((await json<{ policy: string }>(await server.request('GET', '/regcomp/ReviewPolicy', { auth: mine }))).policy, 'evaluate', "the store's policy again");

      assert.deepEqual(await holdings(server, theirs), HOLDS_ALL);
      assert.equal((await json<{ status: string }>(await server.request('GET', `${API}/Bundles/${kept.bundle}`, { auth: theirs }))).status, 'pending-review');
      assert.equal((await json<{ callbacks: unknown[] }>(await server.request('GET', `/regcomp/Bundles/${kept.bundle}/Callbacks`, { auth: theirs }))).callbacks.length, 1);

      // The account and its credentials stay: it carries on, and a second wipe finds nothing.
      await json(await server.request('POST', `${API}/EndUsers`, { body: 'FriendlyName=Again&Type=individual', auth: mine }), 201);
      assert.deepEqual((await json<{ deleted: unknown }>(await server.request('DELETE', '/regcomp/Data', { auth: mine }))).deleted, { ...NOTHING, end_users: 1 });
      await expectTwilioError(await server.request('GET', '/regcomp/Data', { auth: mine }), 405, 20004);
      await expectTwilioError(await server.request('DELETE', '/regcomp/Data', { auth: null }), 401, 20003);
    });

    test('every table with an account_sid is wiped, or kept on purpose (a new per-account table must join the wipe)', async () => {
      const rows = server.db.dialect === 'sqlite'
        ? await server.db.all<{ name: string }>("SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'account_sid'")
        : await server.db.all<{ name: string }>("SELECT table_name AS name FROM information_schema.columns WHERE column_name = 'account_sid' AND table_schema = current_schema()");
      const withAccount = rows.map((r) => r.name).sort();
      assert.ok(withAccount.includes('end_users'), 'the query finds the tables');
      assert.deepEqual(withAccount.filter((t) => !WIPED_TABLES.includes(t) && !KEPT_TABLES.includes(t)), []);
    });

    test('regcomp accounts wipe AC… does the same from the command line', async () => {
      const [mine, theirs] = [await server.newAccount(), await server.newAccount()];
      await populate(server, mine, receiver.url, 'mine');
      await populate(server, theirs, receiver.url, 'theirs');
      const printed = JSON.parse(await cli(databaseUrl, ['accounts', 'wipe', mine.sid])) as unknown;
      assert.deepEqual(printed, { account_sid: mine.sid, deleted: POPULATED });
      assert.deepEqual(await holdings(server, mine), HOLDS_NOTHING);
      assert.deepEqual(await holdings(server, theirs), HOLDS_ALL);

      const unknown = await runCli(databaseUrl, ['accounts', 'wipe', `AC${'0'.repeat(32)}`]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no account AC0{32}/);
      const malformed = await runCli(databaseUrl, ['accounts', 'wipe', 'AC123']);
      assert.notEqual(malformed.code, 0);
      assert.match(malformed.stderr, /expected AC followed by 32 hex digits/);
    });
  });
}

/** Whether `marker` is anywhere in the store's files: the database and, if one is left, its WAL. */
function storeHolds(file: string, marker: string): boolean {
  return [file, `${file}-wal`].some((f) => fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(marker)));
}

const sqlite = backends.find((b) => b.name === 'sqlite')!;

describe('a wipe erases the account’s attributes and files from the SQLite file (secure_delete)', () => {
  after(() => sqlite.cleanup());

  test('planted values of the wiped account are gone; the other account’s are still there', async () => {
    const url = await sqlite.fresh();
    const file = url.slice('sqlite:'.length);
    const receiver = await startReceiver();
    const [gone, kept] = [`gone-${randomBytes(12).toString('hex')}`, `kept-${randomBytes(12).toString('hex')}`];
    let server = await startServer(url, FAST);
    const [mine, theirs] = [server.account, await server.newAccount()];
    try {
      await populate(server, mine, receiver.url, gone);
      await populate(server, theirs, receiver.url, kept);
    } finally {
      await server.close();
    }
    assert.ok(storeHolds(file, gone) && storeHolds(file, kept), 'the check can see what is stored');

    server = await startServer(url, FAST);
    try {
      await json(await server.request('DELETE', '/regcomp/Data', { auth: mine }));
    } finally {
      await server.close();
      await receiver.close();
    }
    assert.equal(fs.existsSync(`${file}-wal`), false, 'the WAL was checkpointed and removed');
    assert.equal(storeHolds(file, gone), false, 'no trace of the wiped attributes or file');
    assert.ok(storeHolds(file, kept));
  });
});
