import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { resealStore } from '../src/store/pii-reseal.js';
import { piiSealer } from '../src/store/pii-seal.js';
import { exportStore, importStore } from '../src/transfer/ndjson.js';
import { PG_TEST_URL, backends } from './support/backends.js';
import { DOCUMENTS, documentForm, postForm } from './support/documents.js';
import { startServer } from './support/server.js';
import type { TestServer } from './support/server.js';

const postgres = backends.find((b) => b.name === 'postgres')!;
const END_USERS = '/v2/RegulatoryCompliance/EndUsers';
const marker = (p: string) => `${p}-${randomBytes(12).toString('hex')}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function* linesOf(text: string): AsyncGenerator<string> {
  for (const line of text.split('\n')) if (line) yield line;
  await Promise.resolve();
}

const schemaOf = (url: string) => new URL(url).searchParams.get('options')!.split('=')[1]!;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function createEndUser(server: TestServer, name: string, attributes: Record<string, string>): Promise<string> {
  const response = await server.request('POST', END_USERS, { body: form({ FriendlyName: name, Type: 'individual', Attributes: JSON.stringify(attributes) }) });
  assert.equal(response.status, 201);
  return ((await response.json()) as { sid: string }).sid;
}

async function attributesOf(server: TestServer, url: string): Promise<unknown> {
  return ((await (await server.request('GET', url)).json()) as { attributes: unknown }).attributes;
}

/**
 * The files PostgreSQL wrote for this schema: its tables', indexes' and TOAST tables' relation
 * files, and every WAL segment from `firstWal` on (read as root, after a CHECKPOINT).
 */
async function filesOf(schema: string, firstWal: string): Promise<string[]> {
  return admin(async (c) => {
    await c.query('CHECKPOINT');
    const dir = (await c.query<{ d: string }>("SELECT current_setting('data_directory') AS d")).rows[0]!.d;
    const relations = await c.query<{ p: string }>(
      `SELECT pg_relation_filepath(oid) AS p FROM pg_class WHERE relnamespace = $1::regnamespace
       UNION SELECT pg_relation_filepath(reltoastrelid) FROM pg_class WHERE relnamespace = $1::regnamespace AND reltoastrelid <> 0`,
      [schema],
    );
    const lastWal = (await c.query<{ w: string }>('SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS w')).rows[0]!.w;
    const wal = fs.readdirSync(path.join(dir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f) && f >= firstWal && f <= lastWal);
    return [...relations.rows.flatMap((r) => (r.p ? [path.join(dir, r.p)] : [])), ...wal.map((f) => path.join(dir, 'pg_wal', f))];
  });
}

function holds(files: readonly string[], value: string): boolean {
  const needle = Buffer.from(value);
  return files.some((f) => fs.existsSync(f) && fs.readFileSync(f).includes(needle));
}

describe('attributes sealed at rest (postgres)', () => {
  after(() => postgres.cleanup());

  test("no attribute value (deleted, replaced or kept) and no file byte is in PostgreSQL's relation files or WAL; the API serves them in clear", async () => {
    const url = await postgres.fresh();
    const firstWal = await admin(async (c) => (await c.query<{ w: string }>('SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS w')).rows[0]!.w);
    const server = await startServer(url);
    try {
      const [name, deleted, replaced, kept, inDocument, inFile] = [marker('name'), marker('gone'), marker('old'), marker('kept'), marker('doc'), marker('file')];
      const victim = await createEndUser(server, name, { first_name: deleted });
      const other = await createEndUser(server, 'Ada', { first_name: replaced });
      assert.equal((await server.request('POST', `${END_USERS}/${other}`, { body: form({ Attributes: JSON.stringify({ first_name: kept }) }) })).status, 200);
      const document = await server.request('POST', DOCUMENTS, { body: form({ FriendlyName: 'Passport', Type: 'passport', Attributes: JSON.stringify({ document_number: inDocument }) }) });
      assert.equal(document.status, 201);
      const documentSid = ((await document.json()) as { sid: string }).sid;
      // A file of three chunks with the marker in each: sealed too, served back byte for byte.
      // Random, so that PostgreSQL stores it uncompressed, as a sealed chunk is: the check can see it.
      const bytes = randomBytes(150_000);
      for (const at of [10, 70_000, 140_000]) bytes.write(inFile, at, 'latin1');
      const upload = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'Scan', Type: 'passport', Attributes: '{}' }, { bytes, type: 'application/pdf' }));
      assert.equal(upload.status, 201);
      const fileSid = ((await upload.json()) as { sid: string }).sid;
      const downloaded = Buffer.from(await (await server.request('GET', `${DOCUMENTS}/${fileSid}/File`)).arrayBuffer());
      assert.ok(downloaded.equals(bytes), 'the file comes back as uploaded');

      assert.deepEqual(await attributesOf(server, `${END_USERS}/${victim}`), { first_name: deleted });
      assert.deepEqual(await attributesOf(server, `${END_USERS}/${other}`), { first_name: kept });
      assert.deepEqual(await attributesOf(server, `${DOCUMENTS}/${documentSid}`), { document_number: inDocument });
      const listed = (await (await server.request('GET', `${END_USERS}?PageSize=50`)).json()) as { results: { attributes: unknown }[] };
      assert.deepEqual(listed.results.map((r) => r.attributes).sort(), [{ first_name: deleted }, { first_name: kept }].sort());
      assert.equal((await server.request('DELETE', `${END_USERS}/${victim}`)).status, 204);
      assert.equal((await server.request('DELETE', `${DOCUMENTS}/${fileSid}`)).status, 204);

      const files = await filesOf(schemaOf(url), firstWal);
      assert.ok(holds(files, name), 'the check sees what PostgreSQL wrote (the friendly name is not sealed)');
      for (const value of [deleted, replaced, kept, inDocument, inFile]) assert.equal(holds(files, value), false, `${value.split('-')[0]} is not in the files`);
    } finally {
      await server.close();
    }
  });

  test('rows in clear (written before sealing) are sealed by the sweep; a retired key is swept away; export is in clear, import seals', async () => {
    const url = await postgres.fresh();
    const server = await startServer(url);
    try {
      const sid = await createEndUser(server, 'Ada', { first_name: 'sealed' });
      const plain = `IT${randomBytes(16).toString('hex')}`;
      await server.db.run(
        `INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated) VALUES (?, ?, 'Old', 'individual', ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')`,
        [plain, server.account.sid, '{"first_name":"in clear"}'],
      );
      const stored = async (s: string) => (await server.db.get<{ a: string }>('SELECT attributes AS a FROM end_users WHERE sid = ?', [s]))!.a;
      assert.match(await stored(sid), /^"ps1\./);
      assert.equal(await resealStore(server.db, piiSealer('postgres')), 1, 'only the row in clear');
      assert.match(await stored(plain), /^"ps1\./);
      assert.deepEqual(await attributesOf(server, `${END_USERS}/${plain}`), { first_name: 'in clear' });

      // Rotation: a new secrets key seals; the old one, as previous, still opens until the sweep is done.
      const currentKey = process.env.REGCOMP_SECRETS_KEY || fs.readFileSync(path.resolve(process.env.REGCOMP_SECRETS_KEY_FILE || 'data/secrets.key'), 'utf8').trim();
      const newKey = randomBytes(32).toString('hex');
      const before = await stored(sid);
      assert.equal(await resealStore(server.db, piiSealer('postgres', { REGCOMP_SECRETS_KEY: newKey, REGCOMP_SECRETS_KEY_PREVIOUS: currentKey })), 2);
      assert.notEqual(await stored(sid), before);
      assert.equal(piiSealer('postgres', { REGCOMP_SECRETS_KEY: newKey }).open(await stored(sid)), '{"first_name":"sealed"}', 'the new key alone opens every row');
      assert.throws(() => piiSealer('postgres', { REGCOMP_SECRETS_KEY: newKey }).open(before), /does not have/, 'the retired key is needed for what it sealed');
      // And back, so that this server (on the current key) serves them.
      assert.equal(await resealStore(server.db, piiSealer('postgres', { REGCOMP_SECRETS_KEY: currentKey, REGCOMP_SECRETS_KEY_PREVIOUS: newKey })), 2);
      assert.deepEqual(await attributesOf(server, `${END_USERS}/${sid}`), { first_name: 'sealed' });

      let text = '';
      await exportStore(server.db, (t) => Promise.resolve(void (text += t)));
      assert.ok(text.includes('{\\"first_name\\":\\"sealed\\"}'), 'export writes attributes in clear');
      assert.ok(!text.includes('ps1.'));
      const target = await startServer(await postgres.fresh());
      try {
        await importStore(target.db, linesOf(text));
        const imported = (await target.db.get<{ a: string }>('SELECT attributes AS a FROM end_users WHERE sid = ?', [sid]))!.a;
        assert.match(imported, /^"ps1\./, 'import seals');
        // Importing the same file again finds every row already there (compared in clear), not a conflict.
        const again = await importStore(target.db, linesOf(text));
        assert.equal(again.present.end_user, 2);
      } finally {
        await target.close();
      }
    } finally {
      await server.close();
    }
  });
});
