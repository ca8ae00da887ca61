import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { DOCUMENTS, documentForm, patternBytes, postForm } from './support/documents.js';
import { startServer } from './support/server.js';

const sqlite = backends.find((b) => b.name === 'sqlite')!;

/** Whether `marker` is anywhere in the store's files: the database and, if one is left, its WAL. */
function storeHolds(file: string, marker: string): boolean {
  return [file, `${file}-wal`].some((f) => fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(marker)));
}

describe('deleting a Supporting Document erases it from the SQLite file (secure_delete)', () => {
  after(() => sqlite.cleanup());

  test('attributes and file bytes are gone from the database file once the store is closed', async () => {
    const url = await sqlite.fresh();
    const file = url.slice('sqlite:'.length);
    const inAttributes = `attr-${randomBytes(12).toString('hex')}`;
    const inFile = `file-${randomBytes(12).toString('hex')}`;
    const replaced = `old-${randomBytes(12).toString('hex')}`;
    const kept = `kept-${randomBytes(12).toString('hex')}`;

    // A file of three chunks with the marker in each, and a neighbour that must survive.
    const bytes = patternBytes(150_000);
    for (const at of [10, 70_000, 140_000]) bytes.write(inFile, at, 'latin1');
    let server = await startServer(url);
    const upload = await postForm(
      server.origin,
      server.account,
      documentForm({ FriendlyName: 'Secret', Type: 'passport', Attributes: JSON.stringify({ document_number: inAttributes }) }, { bytes, type: 'application/pdf' }),
    );
    assert.equal(upload.status, 201);
    const { sid } = (await upload.json()) as { sid: string };
    const form = new URLSearchParams({ FriendlyName: 'Renamed', Type: 'passport', Attributes: JSON.stringify({ document_number: replaced }) }).toString();
    const other = (await (await server.request('POST', DOCUMENTS, { body: form })).json()) as { sid: string };
    const update = new URLSearchParams({ Attributes: JSON.stringify({ document_number: kept }) }).toString();
    assert.equal((await server.request('POST', `${DOCUMENTS}/${other.sid}`, { body: update })).status, 200);
    const owner = server.account;
    await server.close();
    // The check can see them: before the delete, the store holds them.
    assert.ok(storeHolds(file, inAttributes) && storeHolds(file, inFile) && storeHolds(file, kept));

    server = await startServer(url);
    assert.equal((await server.request('DELETE', `${DOCUMENTS}/${sid}`, { auth: owner })).status, 204);
    // Closing checkpoints the WAL into the database file and removes it.
    await server.close();
    assert.equal(fs.existsSync(`${file}-wal`), false, 'the WAL was checkpointed and removed');
    assert.equal(storeHolds(file, inAttributes), false, 'no trace of the deleted attributes');
    assert.equal(storeHolds(file, inFile), false, 'no trace of the deleted file');
    assert.equal(storeHolds(file, replaced), false, 'no trace of attributes an update replaced');
    assert.ok(storeHolds(file, kept), 'the other document is still there');
  });
});
