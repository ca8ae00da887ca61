import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import { openAndMigrate } from '../src/store/open.js';
import { backends } from './support/backends.js';
import { DOCUMENTS, documentForm, patternBytes, postForm, smallPdf } from './support/documents.js';
import { assertAnswerMatchesSpec } from './support/openapi.js';
import type { TestServer } from './support/server.js';
import { basic, serverFor, startServer } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const run = promisify(execFile);
const MAX = 200_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-upload-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Twilio's docs' example attributes, verbatim.
const ATTRIBUTES = '{"address_sids":["ADXXXXX","ADXXXXX"],"document_number":"312454","business_name":"Twilio","issue_date":"2019-11-15"}';

async function count(server: TestServer, table: string): Promise<number> {
  const row = await server.db.get<{ n: number | bigint }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n);
}

/** Waits until nothing of an unfinished upload is left: no staged chunk, no new document. */
async function expectNothingLeft(server: TestServer, documentsBefore: number): Promise<void> {
  for (let i = 0; i < 100 && (await count(server, 'supporting_document_uploads')) > 0; i++) await sleep(50);
  assert.equal(await count(server, 'supporting_document_uploads'), 0, 'no staged chunk left');
  assert.equal(await count(server, 'supporting_documents'), documentsBefore, 'no document made');
}

/**
 * Sends a multipart create by hand up to and into the File part (200 KB of it, so chunks are
 * staged), then leaves the socket as it is. Resolves once the server has read that far.
 */
async function partialUpload(server: TestServer): Promise<net.Socket> {
  const boundary = 'regcompboundary';
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="FriendlyName"\r\n\r\nStalled\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="Type"\r\n\r\npassport\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="File"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
  const url = new URL(server.origin);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST ${DOCUMENTS} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: ${basic(server.account.sid, server.account.token)}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${head.length + 150_000 + 1000}\r\n\r\n${head}`,
  );
  socket.write(patternBytes(150_000));
  for (let i = 0; i < 100 && (await count(server, 'supporting_document_uploads')) < 2; i++) await sleep(20);
  assert.ok((await count(server, 'supporting_document_uploads')) >= 2, 'the server staged the first chunks');
  const listed = (await (await server.request('GET', `${DOCUMENTS}?PageSize=1000`)).json()) as { results: { friendly_name: string }[] };
  assert.ok(!listed.results.some((d) => d.friendly_name === 'Stalled'), 'no document is visible while its file is arriving');
  return socket;
}

test('UPLOAD_MAX_BYTES and UPLOAD_IDLE_TIMEOUT_MS: defaults, and bad values stop start-up', () => {
  const config = loadConfig({});
  assert.equal(config.uploadMaxBytes, 10 * 1024 * 1024);
  assert.equal(config.uploadIdleTimeoutMs, 30_000);
  assert.equal(loadConfig({ UPLOAD_MAX_BYTES: '5242880' }).uploadMaxBytes, 5_242_880);
  for (const value of ['0', '-1', '1.5', 'ten', String(2 ** 31)]) {
    assert.throws(() => loadConfig({ UPLOAD_MAX_BYTES: value }), (err: unknown) => err instanceof ConfigError && /^UPLOAD_MAX_BYTES must be a whole number from 1 to 1073741824/.test(err.message));
  }
  assert.throws(() => loadConfig({ UPLOAD_IDLE_TIMEOUT_MS: '10' }), /UPLOAD_IDLE_TIMEOUT_MS must be a whole number from 100 to 600000/);
});

for (const backend of backends) {
  describe(`Supporting Document file uploads (${backend.name})`, () => {
    const server = serverFor(backend, { UPLOAD_MAX_BYTES: String(MAX), UPLOAD_IDLE_TIMEOUT_MS: '1000' });
    const auth = () => `${server.account.sid}:${server.account.token}`;
    const download = (sid: string, credentials = server.account) =>
      fetch(`${server.origin}${DOCUMENTS}/${sid}/File`, { headers: { authorization: basic(credentials.sid, credentials.token) } });

    test('curl exactly as Twilio’s docs show, then the file back byte for byte', async () => {
      const pdf = smallPdf('Twilio GmbH, registration 312454');
      const file = path.join(tmp, 'document.pdf');
      fs.writeFileSync(file, pdf);
      const { stdout } = await run(
        'curl',
        ['-sS', '-X', 'POST', `${server.origin}${DOCUMENTS}`, '-F', `Attributes=${ATTRIBUTES}`, '-F', 'FriendlyName=Twilio GmbH',
          '-F', 'Type=government_issued_document', '-F', 'File=@document.pdf', '-u', auth()],
        { cwd: tmp },
      );
      const created = JSON.parse(stdout) as Record<string, unknown> & { sid: string };
      assertAnswerMatchesSpec('POST', DOCUMENTS, 201, created);
      assert.equal(created.friendly_name, 'Twilio GmbH');
      assert.equal(created.type, 'government_issued_document');
      assert.equal(created.mime_type, 'application/pdf');
      assert.equal(created.status, 'draft');
      assert.deepEqual(created.attributes, JSON.parse(ATTRIBUTES));

      const back = path.join(tmp, 'back.pdf');
      const headers = await run('curl', ['-sS', '-D', '-', '-o', back, `${server.origin}${DOCUMENTS}/${created.sid}/File`, '-u', auth()]);
      assert.match(headers.stdout, /^HTTP\/1\.1 200/);
      assert.match(headers.stdout, /^content-type: application\/pdf\r$/im);
      assert.match(headers.stdout, /^content-disposition: attachment; filename="RD[0-9a-f]{32}"\r$/im);
      assert.match(headers.stdout, new RegExp(`^content-length: ${pdf.length}\\r$`, 'im'));
      assert.ok(fs.readFileSync(back).equals(pdf), 'downloaded byte for byte');
      const fetched = (await (await server.request('GET', `${DOCUMENTS}/${created.sid}`)).json()) as Record<string, unknown>;
      assert.deepEqual(fetched, created);
    });

    test('curl with the File part first: fields after the file count the same', async () => {
      const bytes = patternBytes(MAX, 3); // exactly the limit: accepted
      fs.writeFileSync(path.join(tmp, 'scan.png'), bytes);
      const { stdout } = await run(
        'curl',
        ['-sS', '-X', 'POST', `${server.origin}${DOCUMENTS}`, '-F', 'File=@scan.png', '-F', 'FriendlyName=After', '-F', 'Type=passport', '-u', auth()],
        { cwd: tmp },
      );
      const created = JSON.parse(stdout) as { sid: string; mime_type: string; friendly_name: string };
      assert.equal(created.mime_type, 'image/png');
      assert.equal(created.friendly_name, 'After');
      assert.ok(Buffer.from(await (await download(created.sid)).arrayBuffer()).equals(bytes));
    });

    test('Node’s FormData and fetch: a several-chunk file, and a create without a file', async () => {
      const bytes = patternBytes(150_001, 5);
      const response = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'Fetch', Type: 'utility_bill', Attributes: '{"b":1,"a":2}' }, { bytes, type: 'image/jpeg', name: 'bill.jpg' }));
      const text = await response.text();
      assert.equal(response.status, 201, text);
      const created = JSON.parse(text) as { sid: string; mime_type: string };
      assertAnswerMatchesSpec('POST', DOCUMENTS, 201, created);
      assert.ok(text.includes('"attributes":{"b":1,"a":2}'));
      assert.equal(created.mime_type, 'image/jpeg');
      const file = await download(created.sid);
      assert.equal(file.headers.get('content-type'), 'image/jpeg');
      assert.ok(Buffer.from(await file.arrayBuffer()).equals(bytes));

      const plain = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'No file', Type: 'passport' }));
      assert.equal(plain.status, 201);
      const noFile = (await plain.json()) as { sid: string; mime_type: string | null };
      assert.equal(noFile.mime_type, null);
      await expectTwilioError(await download(noFile.sid), 404, 20404, /\/File was not found/);
      // A multipart update is read as an empty form: it changes nothing.
      const update = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'Renamed' }), `${DOCUMENTS}/${noFile.sid}`);
      assert.equal(update.status, 200);
      assert.equal(((await update.json()) as { friendly_name: string }).friendly_name, 'No file');
    });

    test('bad uploads get Twilio errors and leave nothing behind', async () => {
      const before = await count(server, 'supporting_documents');
      const pdf = { bytes: smallPdf('x'), type: 'application/pdf' };
      const post = (fields: Record<string, string>, file?: { bytes: Uint8Array; type: string }) => postForm(server.origin, server.account, documentForm(fields, file));
      await expectTwilioError(await post({ Type: 'passport' }, pdf), 400, 22211, /FriendlyName/);
      await expectTwilioError(await post({ FriendlyName: 'x' }, pdf), 400, 22210, /Type is required/);
      await expectTwilioError(await post({ FriendlyName: 'x', Type: 'selfie' }, pdf), 400, 22210, /must be one of/);
      await expectTwilioError(await post({ FriendlyName: 'x', Type: 'passport', Attributes: '{"a":' }, pdf), 400, 22207);
      const tooLarge = await post({ FriendlyName: 'x', Type: 'passport' }, { bytes: patternBytes(MAX + 1), type: 'application/pdf' });
      assert.equal(tooLarge.headers.get('connection'), 'close', 'the rest of a refused upload is not read');
      await expectTwilioError(tooLarge, 413, 20413, new RegExp(`File too large: the limit is ${MAX} bytes`));
      await expectTwilioError(await post({ FriendlyName: 'x', Type: 'passport' }, { bytes: new Uint8Array(0), type: 'application/pdf' }), 400, 20001, /File: must not be empty/);
      await expectTwilioError(await post({ FriendlyName: 'x', Type: 'passport', File: 'not a file' }), 400, 20001, /Invalid parameter File: must be a file part/);
      const { stderr, stdout } = await run('curl', ['-sS', '-X', 'POST', `${server.origin}${DOCUMENTS}`, '-F', 'FriendlyName=x', '-F', 'Type=passport', '-F', 'File=document.pdf', '-u', auth()]);
      assert.equal(stderr, '');
      assert.equal((JSON.parse(stdout) as { code: number }).code, 20001, 'curl -F File=name without @ sends text');
      await expectNothingLeft(server, before);
      // Multipart is parsed on this resource only: elsewhere it stays an unread, empty form.
      const endUser = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'x', Type: 'individual' }), '/v2/RegulatoryCompliance/EndUsers');
      await expectTwilioError(endUser, 400, 20001, /Missing required parameter FriendlyName/);
    });

    test('another account’s, unknown and malformed SIDs: the download is 404; other methods 405', async () => {
      const response = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'Mine', Type: 'passport' }, { bytes: smallPdf('mine'), type: 'application/pdf' }));
      const { sid } = (await response.json()) as { sid: string };
      const stranger = await server.newAccount();
      await expectTwilioError(await download(sid, stranger), 404, 20404);
      await expectTwilioError(await download(`RD${'0'.repeat(32)}`), 404, 20404);
      await expectTwilioError(await download('RDnope'), 404, 20404);
      const put = await fetch(`${server.origin}${DOCUMENTS}/${sid}/File`, { method: 'PUT', headers: { authorization: basic(server.account.sid, server.account.token) } });
      assert.equal(put.headers.get('allow'), 'GET, HEAD');
      await expectTwilioError(put, 405, 20004);
      const unauthenticated = await fetch(`${server.origin}${DOCUMENTS}/${sid}/File`);
      await expectTwilioError(unauthenticated, 401, 20003);
    });

    test('deleting a document deletes its file with it', async () => {
      const response = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'Gone', Type: 'passport' }, { bytes: patternBytes(100_000), type: 'application/pdf' }));
      const { sid } = (await response.json()) as { sid: string };
      const chunks = () => server.db.get<{ n: number | bigint }>('SELECT COUNT(*) AS n FROM supporting_document_files WHERE document_sid = ?', [sid]);
      assert.equal(Number((await chunks())?.n), 2);
      assert.equal((await server.request('DELETE', `${DOCUMENTS}/${sid}`)).status, 204);
      assert.equal(Number((await chunks())?.n), 0);
      await expectTwilioError(await download(sid), 404, 20404);
    });

    test('a stalled upload is cut off after UPLOAD_IDLE_TIMEOUT_MS and leaves nothing', async () => {
      const before = await count(server, 'supporting_documents');
      const socket = await partialUpload(server);
      const closed = new Promise((resolve) => socket.once('close', resolve));
      const started = Date.now();
      await closed;
      assert.ok(Date.now() - started < 5000, 'cut off within a few seconds of going quiet');
      await expectNothingLeft(server, before);
    });

    test('an upload the client aborts leaves nothing', async () => {
      const before = await count(server, 'supporting_documents');
      const socket = await partialUpload(server);
      socket.destroy();
      await expectNothingLeft(server, before);
      // The server goes on serving uploads.
      const response = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'Next', Type: 'passport' }, { bytes: smallPdf('next'), type: 'application/pdf' }));
      assert.equal(response.status, 201);
    });
  });

  describe(`leftovers of crashed uploads (${backend.name})`, () => {
    after(() => backend.cleanup());

    test('are swept at start once they are older than any live upload can be; recent ones are kept', async () => {
      const url = await backend.fresh();
      const db = await openAndMigrate(url);
      const insert = 'INSERT INTO supporting_document_uploads (upload_id, seq, bytes, written_at) VALUES (?, ?, ?, ?)';
      const hourAgo = Date.now() - 61 * 60_000;
      await db.run(insert, ['crashed', 1, Buffer.from('old'), hourAgo]);
      await db.run(insert, ['crashed', 2, Buffer.from('newer chunk of the same dead upload'), Date.now()]);
      await db.run(insert, ['live', 1, Buffer.from('in progress elsewhere'), Date.now()]);
      await db.close();
      const server = await startServer(url);
      try {
        const left = await server.db.all<{ upload_id: string }>('SELECT DISTINCT upload_id FROM supporting_document_uploads');
        assert.deepEqual(left.map((r) => r.upload_id), ['live']);
      } finally {
        await server.close();
      }
    });
  });
}
