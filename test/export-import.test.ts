import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Accounts } from '../src/accounts/accounts.js';
import { Readable } from 'node:stream';
import { EndUserStore } from '../src/resources/end-users/store.js';
import { CHUNK_BYTES, UploadStaging } from '../src/resources/supporting-documents/staging.js';
import { DocumentStore } from '../src/resources/supporting-documents/store.js';
import { documentStore } from '../src/resources/supporting-documents/sealed-store.js';
import type { Db, SqlValue } from '../src/store/db.js';
import { openAndMigrate } from '../src/store/open.js';
import type { ImportOptions } from '../src/transfer/ndjson.js';
import { FORMAT, ImportError, exportStore, importStore } from '../src/transfer/ndjson.js';
import { twilioDate } from '../src/twilio/dates.js';
import { newSid } from '../src/twilio/sid.js';
import { backends } from './support/backends.js';
import type { Backend } from './support/backends.js';
import { cli, runCli } from './support/cli.js';
import { patternBytes } from './support/documents.js';
import type { Credentials, ServerProcess } from './support/server.js';
import { basic, spawnServer } from './support/server.js';

const PUBLIC = 'https://regcomp.example.com';
const END_USERS = '/v2/RegulatoryCompliance/EndUsers';
const DOCUMENTS = '/v2/RegulatoryCompliance/SupportingDocuments';
const BUNDLES = '/v2/RegulatoryCompliance/Bundles';

const sqlite = backends.find((b) => b.name === 'sqlite')!;
const postgres = backends.find((b) => b.name === 'postgres')!;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-transfer-'));

after(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const b of backends) await b.cleanup();
});

function serve(databaseUrl: string): Promise<ServerProcess> {
  // No bootstrap account: the stores already have theirs, and starting must not change them.
  return spawnServer({ DATABASE_URL: databaseUrl, PUBLIC_BASE_URL: PUBLIC, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
}

async function call(server: ServerProcess, auth: Credentials, method: string, urlPath: string, body?: string | FormData): Promise<Response> {
  const form: Record<string, string> = typeof body === 'string' ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
  return fetch(server.origin + urlPath, { method, headers: { authorization: basic(auth.sid, auth.token), ...form }, body: body ?? null });
}

/** A multipart document create; with `file`, a file of that many pseudo-random bytes. */
function documentForm(i: number, file: number | undefined): FormData {
  const form = new FormData();
  form.append('FriendlyName', `document ${i} “quoted” 🙂`);
  form.append('Type', i % 2 ? 'passport' : 'utility_bill');
  if (i % 3 !== 2) form.append('Attributes', `{"document_number": "${i}", "10": "ten", "nested": {"b": [1, null]}}`);
  if (file !== undefined) {
    const bytes = Buffer.alloc(file);
    for (let n = 0; n < file; n++) bytes[n] = (n * 7 + i * 13 + (n >> 8)) & 0xff;
    form.append('File', new Blob([bytes], { type: i % 2 ? 'application/pdf' : 'image/png' }), `scan-${i}.bin`);
  }
  return form;
}

/**
 * Every response a client could see, as exact text: each list walked forward and back in
 * small pages (links and page tokens included), the default first page, each end user fetched,
 * and a deleted one's 404.
 */
async function snapshot(server: ServerProcess, logins: Credentials[], gone: string, goneDocument: string): Promise<string[]> {
  const seen: string[] = [];
  const get = async (auth: Credentials, urlPath: string): Promise<string> => {
    const response = await call(server, auth, 'GET', urlPath);
    const text = await response.text();
    seen.push(`${auth.sid} GET ${urlPath} -> ${response.status} ${text}`);
    return text;
  };
  for (const login of logins) for (const list of [END_USERS, DOCUMENTS, BUNDLES]) await walk(login, list);
  return seen;

  async function walk(login: Credentials, list: string): Promise<void> {
    const pages: { meta: { next_page_url: string | null; previous_page_url: string | null }; results: { sid: string; mime_type?: string | null }[] }[] = [];
    let next: string | null = `${list}?PageSize=4`;
    for (let i = 0; next !== null && i < 50; i++) {
      const page = JSON.parse(await get(login, next)) as (typeof pages)[number];
      pages.push(page);
      next = page.meta.next_page_url?.replace(PUBLIC, '') ?? null;
    }
    let previous = pages[pages.length - 1]!.meta.previous_page_url;
    for (let i = 0; previous !== null && i < 50; i++) {
      previous = (JSON.parse(await get(login, previous.replace(PUBLIC, ''))) as (typeof pages)[number]).meta.previous_page_url;
    }
    await get(login, list);
    for (const { sid, mime_type } of pages.flatMap((p) => p.results)) {
      await get(login, `${list}/${sid}`);
      if (list === BUNDLES) for (const nested of ['ItemAssignments', 'Evaluations', 'Copies']) await get(login, `${list}/${sid}/${nested}`);
      if (mime_type) {
        const file = await call(server, login, 'GET', `${list}/${sid}/File`);
        const bytes = Buffer.from(await file.arrayBuffer());
        seen.push(`${login.sid} GET ${list}/${sid}/File -> ${file.status} ${file.headers.get('content-type')} ${bytes.toString('base64')}`);
      }
    }
    await get(login, `${list}/${list === END_USERS ? gone : list === DOCUMENTS ? goneDocument : `BU${'0'.repeat(32)}`}`);
  }
}

function withoutHeader(ndjson: string): string {
  return ndjson.slice(ndjson.indexOf('\n') + 1);
}

describe('export and import through the CLI', () => {
  test('a round trip SQLite → PostgreSQL → SQLite answers every request byte for byte alike', async () => {
    const a = await sqlite.fresh();
    const ada = JSON.parse(await cli(a, ['accounts', 'create', '--friendly-name', 'Ada "✓" \\ Lovelace'])) as { sid: string; auth_token: string };
    const bob = JSON.parse(await cli(a, ['accounts', 'create'])) as { sid: string; auth_token: string };
    const idle = JSON.parse(await cli(a, ['accounts', 'create'])) as { sid: string; auth_token: string };
    const key = JSON.parse(await cli(a, ['keys', 'create', '--account', ada.sid])) as { sid: string; secret: string };
    const logins: Credentials[] = [
      { sid: ada.sid, token: ada.auth_token },
      { sid: key.sid, token: key.secret },
      { sid: bob.sid, token: bob.auth_token },
      { sid: idle.sid, token: idle.auth_token },
    ];

    // Interleaved accounts, awkward text, deletions leaving gaps in the ids, later updates.
    const serverA = await serve(a);
    const sids: { sid: string; login: Credentials }[] = [];
    for (let i = 0; i < 24; i++) {
      const login = i % 3 === 0 ? logins[2]! : logins[0]!;
      const form = new URLSearchParams({ FriendlyName: `user ${i} “quoted” \\ ${'é'.repeat(i % 4)} 🙂`, Type: i % 2 ? 'business' : 'individual' });
      if (i % 4 !== 3) form.set('Attributes', `{"z": ${i}, "10": "ten", "nested": {"b": [1, 2, {"c": null}], "a": "\\u00e9\\"q\\""}, "emoji": "🙂"}`);
      const response = await call(serverA, login, 'POST', END_USERS, form.toString());
      assert.equal(response.status, 201);
      sids.push({ sid: ((await response.json()) as { sid: string }).sid, login });
    }
    const gone = sids[5]!.sid;
    for (const i of [2, 5, 12, 23]) assert.equal((await call(serverA, sids[i]!.login, 'DELETE', `${END_USERS}/${sids[i]!.sid}`)).status, 204);
    await sleep(1100); // so that date_updated differs from date_created
    for (const i of [1, 4, 9]) {
      const body = new URLSearchParams({ FriendlyName: `renamed ${i}`, Attributes: '{"b":1,"a":2}' }).toString();
      assert.equal((await call(serverA, sids[i]!.login, 'POST', `${END_USERS}/${sids[i]!.sid}`, body)).status, 200);
    }
    // Documents with files of one chunk, several chunks and none; one deleted, one renamed.
    const documents: { sid: string; login: Credentials }[] = [];
    for (let i = 0; i < 7; i++) {
      const login = i % 3 === 0 ? logins[2]! : logins[0]!;
      const response = await call(serverA, login, 'POST', DOCUMENTS, documentForm(i, [1000, 150_000, undefined, 65_536][i % 4]));
      assert.equal(response.status, 201, await response.clone().text());
      documents.push({ sid: ((await response.json()) as { sid: string }).sid, login });
    }
    const goneDocument = documents[4]!.sid;
    assert.equal((await call(serverA, documents[4]!.login, 'DELETE', `${DOCUMENTS}/${goneDocument}`)).status, 204);
    assert.equal((await call(serverA, documents[1]!.login, 'POST', `${DOCUMENTS}/${documents[1]!.sid}`, 'FriendlyName=renamed')).status, 200);
    // Bundles: a draft with items and an evaluation, one submitted (held for a manual review,
    // so its schedule and its documents' status travel), an account review policy.
    const ada0 = logins[0]!;
    const bundle = async (name: string) => {
      const response = await call(serverA, ada0, 'POST', BUNDLES, `FriendlyName=${name}&Email=a%40example.com&RegulationSid=RNfd11dde5d4b7252abf96139766f68034`);
      assert.equal(response.status, 201);
      return ((await response.json()) as { sid: string }).sid;
    };
    const [draft, held] = [await bundle('draft “✓”'), await bundle('held')];
    for (const [target, object] of [[draft, sids[1]!.sid], [draft, documents[1]!.sid], [held, documents[5]!.sid]] as const) {
      assert.equal((await call(serverA, ada0, 'POST', `${BUNDLES}/${target}/ItemAssignments`, `ObjectSid=${object}`)).status, 201);
    }
    assert.equal((await call(serverA, ada0, 'POST', `${BUNDLES}/${draft}/Evaluations`)).status, 201);
    assert.equal((await call(serverA, ada0, 'POST', `/regcomp/Bundles/${held}/ReviewPolicy`, 'Policy=manual')).status, 200);
    assert.equal((await call(serverA, ada0, 'POST', `${BUNDLES}/${held}`, 'Status=pending-review')).status, 200);
    assert.equal((await call(serverA, logins[2]!, 'POST', '/regcomp/ReviewPolicy', 'Policy=reject&DecisionAfterMs=5000')).status, 200);
    const expected = await snapshot(serverA, logins, gone, goneDocument);
    await serverA.stop();
    assert.ok(expected.length > 40);

    const aFile = path.join(tmp, 'a.ndjson');
    const exportA = await runCli(a, ['export', '--file', aFile]);
    assert.equal(exportA.code, 0, exportA.stderr);
    assert.match(exportA.stderr, /^exported: settings 1, accounts 3, api keys 1, end users 20, supporting documents 6, supporting document files 8, bundles 2, item assignments 3, evaluations 1, review settings 1, bundle status changes 3(, [a-z ]+ 0)*$/m);
    const aText = fs.readFileSync(aFile, 'utf8');
    const lines = aText.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines[0]!.kind, 'header');
    assert.equal(lines[0]!.format, FORMAT);
    assert.equal(lines[0]!.version, 1);
    const footer = lines.at(-1) as { kind: string; counts: Record<string, number> };
    assert.equal(footer.kind, 'footer');
    assertCounts(footer.counts, { setting: 1, account: 3, api_key: 1, end_user: 20, supporting_document: 6, supporting_document_file: 8, bundle: 2, item_assignment: 3, evaluation: 1, review_setting: 1, bundle_status_change: 3 });

    // Into PostgreSQL from stdin.
    const p = await postgres.fresh();
    const importP = await runCli(p, ['import'], { input: aText });
    assert.equal(importP.code, 0, importP.stderr);
    assert.match(importP.stderr, /^imported: settings 1, accounts 3, api keys 1, end users 20, supporting documents 6, supporting document files 8, bundles 2, item assignments 3, evaluations 1, review settings 1, bundle status changes 3(, [a-z ]+ 0)*$/m);
    const serverP = await serve(p);
    assert.deepEqual(await snapshot(serverP, logins, gone, goneDocument), expected);
    const pText = await cli(p, ['export']);
    assert.equal(withoutHeader(pText), withoutHeader(aText), 'PostgreSQL exports exactly what it imported');

    // The identity sequence moved past the imported ids: a new end user lists last.
    const created = await call(serverP, logins[0]!, 'POST', END_USERS, 'FriendlyName=after&Type=business');
    assert.equal(created.status, 201);
    const newSid = ((await created.json()) as { sid: string }).sid;
    const all = (await (await call(serverP, logins[0]!, 'GET', `${END_USERS}?PageSize=1000`)).json()) as { results: { sid: string }[] };
    assert.equal(all.results.at(-1)!.sid, newSid);
    await serverP.stop();

    // Back into SQLite from a file.
    const pFile = path.join(tmp, 'p.ndjson');
    fs.writeFileSync(pFile, pText);
    const c = await sqlite.fresh();
    const importC = await runCli(c, ['import', '--file', pFile]);
    assert.equal(importC.code, 0, importC.stderr);
    const serverC = await serve(c);
    assert.deepEqual(await snapshot(serverC, logins, gone, goneDocument), expected);
    await serverC.stop();
    assert.equal(withoutHeader(await cli(c, ['export'])), withoutHeader(aText));
    assert.equal(await cli(c, ['accounts', 'list']), await cli(a, ['accounts', 'list']));
    assert.equal(await cli(c, ['keys', 'list']), await cli(a, ['keys', 'list']));
  });

  test('a conflict stops the import with exit status 1 and says where and how to go on', async () => {
    const source = await sqlite.fresh();
    const db = await openAndMigrate(source);
    const account = await new Accounts(db).upsert({});
    const users = new EndUserStore(db);
    for (let i = 0; i < 3; i++) {
      await users.create(account.sid, { sid: newSid('IT'), friendlyName: `u${i}`, type: 'individual', attributes: '{}', now: twilioDate() });
    }
    await db.close();
    const file = await cli(source, ['export']);

    const target = await postgres.fresh();
    await cli(target, ['import'], { input: file });
    const edited = file.replace('"friendly_name":"u1"', '"friendly_name":"changed"');
    const failed = await runCli(target, ['import'], { input: edited });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^regcomp: line 4: the target already has end_user IT[0-9a-f]{32} with a different friendly_name\. Stopped here: .*--on-conflict skip/m);
    const skipped = await runCli(target, ['import', '--on-conflict', 'skip'], { input: edited });
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /conflicts skipped \(the store's rows kept\): settings 0, accounts 0, api keys 0, end users 1, supporting documents 0, supporting document files 0/);
  });
});

/** Counts of the named kinds as given, every other (newer) table's 0. */
function assertCounts(actual: Record<string, number>, expected: Record<string, number>): void {
  const others = Object.fromEntries(Object.keys(actual).filter((kind) => !(kind in expected)).map((kind) => [kind, 0]));
  assert.deepEqual(actual, { ...others, ...expected });
}

/** A Db that records every read and batch it is asked for. */
function spy(db: Db): { db: Db; reads: { sql: string; rows: number }[]; batches: { sql: string; rows: number }[] } {
  const reads: { sql: string; rows: number }[] = [];
  const batches: { sql: string; rows: number }[] = [];
  const wrapped: Db = {
    dialect: db.dialect,
    groupsWrites: db.groupsWrites,
    get: (sql, params) => db.get(sql, params),
    all: async <T>(sql: string, params?: readonly SqlValue[]) => {
      const rows = await db.all<T>(sql, params);
      reads.push({ sql, rows: rows.length });
      return rows;
    },
    run: (sql, params) => db.run(sql, params),
    transaction: (work) => db.transaction(work),
    batch: async (sql, lists) => {
      batches.push({ sql, rows: lists.length });
      await db.batch(sql, lists);
    },
    migrate: (m) => db.migrate(m),
    ping: () => db.ping(),
    close: () => db.close(),
  };
  return { db: wrapped, reads, batches };
}

async function* linesOf(text: string): AsyncGenerator<string> {
  for (const line of text.split('\n')) yield line;
  await Promise.resolve();
}

for (const backend of backends) {
  describe(`export and import in chunks (${backend.name})`, () => {
    const open: Db[] = [];
    after(async () => {
      for (const db of open) await db.close();
    });
    async function store(b: Backend = backend): Promise<Db> {
      const db = await openAndMigrate(await b.fresh());
      open.push(db);
      return db;
    }
    async function seed(db: Db, n: number, name = 'u'): Promise<{ account: string; sids: string[] }> {
      const account = (await new Accounts(db).upsert({})).sid;
      const users = new EndUserStore(db);
      const sids: string[] = [];
      for (let i = 0; i < n; i++) {
        const sid = newSid('IT');
        await users.create(account, { sid, friendlyName: `${name}${i}`, type: 'individual', attributes: `{"i":${i}}`, now: twilioDate() });
        sids.push(sid);
      }
      return { account, sids };
    }
    async function exported(db: Db, chunkSize = 1000): Promise<string> {
      let text = '';
      await exportStore(db, (t) => Promise.resolve(void (text += t)), { chunkSize });
      return text;
    }
    const listed = async (db: Db, account: string): Promise<string[]> =>
      (await new EndUserStore(db).page(account, { bound: undefined, descending: false, limit: 1000 }, '/')).map((r) => (JSON.parse(r.json) as { sid: string }).sid);
    const run = (db: Db, text: string, options: ImportOptions = {}) => importStore(db, linesOf(text), options);

    test('export reads each table in keyset chunks, never more than a chunk at a time', async () => {
      const source = await store();
      await seed(source, 25);
      const { db, reads } = spy(source);
      const progress: number[] = [];
      let text = '';
      await exportStore(db, (t) => Promise.resolve(void (text += t)), { chunkSize: 10, onProgress: (rows) => progress.push(rows) });
      const endUserReads = reads.filter((r) => r.sql.includes('FROM end_users'));
      assert.deepEqual(endUserReads.map((r) => r.rows), [10, 10, 5]);
      assert.ok(endUserReads.slice(1).every((r) => /WHERE id > \? ORDER BY id LIMIT \?/.test(r.sql)));
      assert.ok(reads.every((r) => r.rows <= 10));
      assert.equal(text.trimEnd().split('\n').length, 1 + 1 + 25 + 1); // header, account, end users, footer
      assert.equal(progress.at(-1), 26);
    });

    test('import writes in batches, in file order, and keeps ids', async () => {
      const source = await store();
      const { account, sids } = await seed(source, 25);
      await new EndUserStore(source).delete(account, sids[3]!);
      const text = await exported(source);
      const target = await store();
      const { db, batches } = spy(target);
      const summary = await run(db, text, { batchSize: 10 });
      assertCounts(summary.inserted, { setting: 0, account: 1, api_key: 0, end_user: 24, supporting_document: 0, supporting_document_file: 0 });
      assert.deepEqual(batches.filter((b) => b.sql.includes('INTO end_users')).map((b) => b.rows), [10, 10, 4]);
      assert.deepEqual(await listed(target, account), await listed(source, account));
      assert.equal(withoutHeader(await exported(target)), withoutHeader(text));
      // New end users come after the imported ones.
      const later = await new EndUserStore(target).create(account, { sid: newSid('IT'), friendlyName: 'later', type: 'business', attributes: '{}', now: twilioDate() });
      assert.ok(later.id > 25);
    });

    test('importing again changes nothing: every row is already present', async () => {
      const source = await store();
      await seed(source, 5);
      const text = await exported(source);
      const target = await store();
      await run(target, text);
      const again = await run(target, text, { batchSize: 2 });
      assertCounts(again.inserted, { setting: 0, account: 0, api_key: 0, end_user: 0, supporting_document: 0, supporting_document_file: 0 });
      assertCounts(again.present, { setting: 0, account: 1, api_key: 0, end_user: 5, supporting_document: 0, supporting_document_file: 0 });
    });

    test('a changed row is a conflict: fail stops before its batch, skip keeps the target’s row', async () => {
      const source = await store();
      const { account, sids } = await seed(source, 6);
      const text = await exported(source);
      const target = await store();
      await run(target, text);
      await new EndUserStore(target).update(account, sids[4]!, { friendlyName: 'edited in target', attributes: undefined, now: twilioDate() });
      const more = await seed(source, 0); // an extra account, after the end users' account
      const withMore = await exported(source);
      // Lines: 1 header, 2–3 accounts, 4–9 end users (sids[4] on line 8), 10 footer.
      await assert.rejects(run(target, withMore, { batchSize: 2 }), (err: unknown) => {
        assert.ok(err instanceof ImportError);
        assert.equal(err.line, 8);
        assert.match(err.message, new RegExp(`end_user ${sids[4]!} with a different friendly_name`));
        assert.match(err.message, /rows before line 8 were imported, none from it on/);
        return true;
      });
      assert.ok(await new Accounts(target).findCredential(more.account), 'the batches before the conflict were written');
      const summary = await run(target, withMore, { onConflict: 'skip' });
      assertCounts(summary.skipped, { setting: 0, account: 0, api_key: 0, end_user: 1, supporting_document: 0, supporting_document_file: 0 });
      assertCounts(summary.present, { setting: 0, account: 2, api_key: 0, end_user: 5, supporting_document: 0, supporting_document_file: 0 });
      const kept = await new EndUserStore(target).find(account, sids[4]!);
      assert.match(kept?.body ?? '', /"friendly_name":"edited in target"/);
    });

    test('ids already taken in the target: refused, or renumbered after the target’s own in file order', async () => {
      const source = await store();
      const { account, sids } = await seed(source, 5, 'imported');
      const text = await exported(source);
      const target = await store();
      const own = await seed(target, 3, 'own');
      await assert.rejects(run(target, text), /has id 1, which the target's end_user IT[0-9a-f]{32} already has \(--renumber/);
      const summary = await run(target, text, { renumber: true });
      assert.equal(summary.inserted.end_user, 5);
      assert.deepEqual(await listed(target, account), sids);
      assert.deepEqual(await listed(target, own.account), own.sids);
      const ids = await target.all<{ id: number }>('SELECT id FROM end_users WHERE account_sid = ? ORDER BY id', [account]);
      assert.ok(ids.every((r) => Number(r.id) > 3));
      // Renumbered rows are recognised by SID when imported again.
      assert.deepEqual((await run(target, text, { renumber: true })).present.end_user, 5);
    });

    test('documents travel with their files: 16 chunks to a read and a batch, bytes as base64, nulls as null', async () => {
      const source = await store();
      const account = (await new Accounts(source).upsert({})).sid;
      const documents = new DocumentStore(source);
      const staging = new UploadStaging(source);
      const bytes = patternBytes(CHUNK_BYTES * 20 + 5);
      const uploadId = UploadStaging.newUploadId();
      const staged = await staging.stage(uploadId, account, Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]));
      const doc = (name: string) => ({ sid: newSid('RD'), friendlyName: name, type: 'passport', attributes: '{"n":1}', now: twilioDate() });
      const withFile = await documents.createWithFile(account, doc('file'), { uploadId, mimeType: 'application/pdf', ...staged });
      await documents.create(account, doc('no file'));
      assert.equal(staged.chunks, 21);

      const { db, reads } = spy(source);
      let text = '';
      await exportStore(db, (t) => Promise.resolve(void (text += t)));
      assert.deepEqual(reads.filter((r) => r.sql.includes('FROM supporting_document_files')).map((r) => r.rows), [16, 5]);
      assert.match(text, /"friendly_name":"no file","type":"passport","attributes":"\{\\"n\\":1\}","mime_type":null,"file_size":null,"status":"draft","failure_reason":null,"errors":null/);
      const firstChunk = JSON.parse(text.split('\n').find((l) => l.includes('"supporting_document_file"'))!) as { bytes: string; seq: number };
      assert.equal(firstChunk.seq, 1);
      assert.ok(Buffer.from(firstChunk.bytes, 'base64').equals(bytes.subarray(0, CHUNK_BYTES)));

      const target = await store();
      const spied = spy(target);
      const summary = await run(spied.db, text);
      assert.equal(summary.inserted.supporting_document, 2);
      assert.equal(summary.inserted.supporting_document_file, 21);
      assert.deepEqual(spied.batches.filter((b) => b.sql.includes('INTO supporting_document_files')).map((b) => b.rows), [16, 5]);
      const copied: Buffer[] = [];
      for (let seq = 0, chunk; (chunk = await documentStore(target).chunkAfter(withFile.sid, seq)); seq = chunk.seq) copied.push(chunk.bytes);
      assert.ok(Buffer.concat(copied).equals(bytes), 'the file is byte for byte the same');
      assert.equal(withoutHeader(await exported(target)), withoutHeader(text));
      assert.equal((await run(target, text)).present.supporting_document_file, 21, 're-import finds every chunk present');

      await assert.rejects(run(await store(), text.replace('"bytes":"', '"bytes":"!')), /supporting_document_file\.bytes must be base64/);
      await assert.rejects(run(await store(), text.replace('"file_size":null', '"file_size":12')), /mime_type and file_size are both set/);
    });

    test('bad input is refused with its line number', async () => {
      const source = await store();
      await seed(source, 3);
      const text = await exported(source);
      const lines = text.trimEnd().split('\n');
      const target = await store();
      const refuse = (input: string, pattern: RegExp) => assert.rejects(run(target, input), pattern);
      await refuse('', /the input is empty/);
      await refuse('{"kind":"account"}\n', /line 1: not a regcomp export/);
      await refuse(text.replace('"version":1', '"version":2'), /line 1: format version 2 is not one this regcomp reads/);
      await refuse(text.replace('"type":"individual"', '"type":"Robot!"'), /line 3: end_user: type must be an End-User Type machine name/);
      await refuse(text.replace('"attributes":"{\\"i\\":0}"', '"attributes":"[1]"'), /line 3: end_user: attributes must be the text of a JSON object/);
      await refuse(text.replace('"kind":"account",', '"kind":"account","extra":1,'), /line 2: account has an unknown field "extra"/);
      await refuse(lines.slice(0, 4).join('\n'), /ends at line 4 without its footer line: it was cut short/);
      // What a cut-short input held was imported; the complete file finishes the job.
      const finished = await run(target, text);
      assert.deepEqual([finished.present.end_user, finished.inserted.end_user], [2, 1]);
      await assert.rejects(run(await store(), text.replace('"end_user":3', '"end_user":4')), /the footer counts 4 end_user lines, the input has 3/);
    });
  });
}
