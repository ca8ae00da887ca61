import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Accounts } from '../src/accounts/accounts.js';
import { EndUserStore } from '../src/resources/end-users/store.js';
import { endUserJson, endUserUrlPrefix } from '../src/resources/end-users/view.js';
import { openAndMigrate } from '../src/store/open.js';
import { newSid } from '../src/twilio/sid.js';
import { backends } from './support/backends.js';

/** Every character JSON escapes (but NUL, which the API refuses), and some it must leave alone. */
const CONTROL = Array.from({ length: 0x1f }, (_, c) => String.fromCharCode(c + 1)).join('');
const NAMES = [
  `all controls ${CONTROL}`,
  'quote " backslash \\ slash / DEL \u007f',
  'accents é ñ, CJK 漢字, emoji 😀, separators \u2028 \u2029, BOM \ufeff',
  "sql ' metacharacters -- ; /* */ %_ %s %% %1$s",
];

for (const backend of backends) {
  describe(`the End-User JSON the database writes (${backend.name})`, () => {
    after(() => backend.cleanup());

    test('is exactly what JSON.stringify would write, for every kind of character', async () => {
      const db = await openAndMigrate(await backend.fresh());
      try {
        const account = (await new Accounts(db).upsert({})).sid;
        const store = new EndUserStore(db);
        const attributes = '{"note":"\\u0000\\n\\"x\\"","n":[1,2.5,true,null]}';
        for (const [i, name] of NAMES.entries()) {
          const user = { sid: newSid('IT'), friendlyName: name, type: `type ${name}`, attributes, now: `2026-01-0${i + 1}T00:00:00Z` };
          const created = await store.create(account, user);
          const expected = JSON.stringify({
            sid: user.sid,
            account_sid: account,
            friendly_name: name,
            type: user.type,
            attributes: JSON.parse(attributes) as unknown,
            date_created: user.now,
            date_updated: user.now,
            url: `http://x/v2/RegulatoryCompliance/EndUsers/${user.sid}`,
          });
          assert.equal(endUserJson(created, 'http://x'), expected, `create returns it (${JSON.stringify(name)})`);
          const found = await store.find(account, user.sid);
          assert.equal(found && endUserJson(found, 'http://x'), expected, 'fetch reads it');
          const [listed] = await store.page(account, { bound: created.id - 1, descending: false, limit: 1 }, endUserUrlPrefix('http://x'));
          assert.equal(listed?.json, expected, 'a page reads it, url included');
        }
      } finally {
        await db.close();
      }
    });

    test('creates of one turn, written together, each get their own row; a failing one fails alone', async () => {
      const db = await openAndMigrate(await backend.fresh());
      try {
        const account = (await new Accounts(db).upsert({})).sid;
        const store = new EndUserStore(db);
        const user = (i: number) => ({ sid: newSid('IT'), friendlyName: `user ${i}`, type: 'individual', attributes: `{"i":${i}}`, now: '2026-01-01T00:00:00Z' });
        const users = Array.from({ length: 25 }, (_, i) => user(i));
        // The 8th names an account that does not exist: the foreign key refuses it.
        const results = await Promise.allSettled(users.map((u, i) => store.create(i === 7 ? newSid('AC') : account, u)));
        assert.equal(results[7]!.status, 'rejected');
        const created = results.filter((r, i) => i !== 7).map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<EndUserStore['create']>>>).value);
        assert.equal(created.length, 24);
        for (const [k, row] of created.entries()) {
          const i = k < 7 ? k : k + 1;
          assert.equal(row.sid, users[i]!.sid);
          assert.match(row.body, new RegExp(`"friendly_name":"user ${i}".*"attributes":\\{"i":${i}\\}`));
        }
        assert.equal(new Set(created.map((r) => r.id)).size, 24);
        const listed = await store.page(account, { bound: undefined, descending: false, limit: 100 }, '/');
        assert.deepEqual(
          listed.map((r) => (JSON.parse(r.json) as { sid: string }).sid).sort(),
          created.map((r) => r.sid).sort(),
        );
      } finally {
        await db.close();
      }
    });
  });
}
