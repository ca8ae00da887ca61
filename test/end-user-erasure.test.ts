import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { startServer } from './support/server.js';

const sqlite = backends.find((b) => b.name === 'sqlite')!;
const END_USERS = '/v2/RegulatoryCompliance/EndUsers';

/** Whether `marker` is anywhere in the store's files: the database and, if one is left, its WAL. */
function storeHolds(file: string, marker: string): boolean {
  return [file, `${file}-wal`].some((f) => fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(marker)));
}

describe('deleting an End-User erases its attributes from the SQLite file (secure_delete)', () => {
  after(() => sqlite.cleanup());

  test("a deleted end user's attributes, and those an update replaced, leave no trace", async () => {
    const url = await sqlite.fresh();
    const file = url.slice('sqlite:'.length);
    const marker = (p: string) => `${p}-${randomBytes(12).toString('hex')}`;
    const [deleted, replaced, kept] = [marker('gone'), marker('old'), marker('kept')];
    let server = await startServer(url);
    const create = (marker: string) =>
      server.request('POST', END_USERS, { body: new URLSearchParams({ FriendlyName: 'Ada', Type: 'individual', Attributes: JSON.stringify({ first_name: marker }) }).toString() });
    const victim = (await (await create(deleted)).json()) as { sid: string };
    const other = (await (await create(replaced)).json()) as { sid: string };
    const update = new URLSearchParams({ Attributes: JSON.stringify({ first_name: kept }) }).toString();
    assert.equal((await server.request('POST', `${END_USERS}/${other.sid}`, { body: update })).status, 200);
    const owner = server.account;
    await server.close();
    assert.ok(storeHolds(file, deleted) && storeHolds(file, kept), 'the check can see what is stored');

    server = await startServer(url);
    assert.equal((await server.request('DELETE', `${END_USERS}/${victim.sid}`, { auth: owner })).status, 204);
    await server.close();
    assert.equal(fs.existsSync(`${file}-wal`), false, 'the WAL was checkpointed and removed');
    assert.equal(storeHolds(file, deleted), false, 'no trace of the deleted attributes');
    assert.equal(storeHolds(file, replaced), false, 'no trace of attributes an update replaced');
    assert.ok(storeHolds(file, kept));
  });
});
