import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Accounts } from '../src/accounts/accounts.js';
import type { Db } from '../src/store/db.js';
import { isForeignKeyViolation, isUniqueViolation } from '../src/store/db.js';
import { openAndMigrate } from '../src/store/open.js';
import { newSid } from '../src/twilio/sid.js';
import { backends } from './support/backends.js';

const INSERT = `INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated)
  VALUES (?, ?, 'n', 'individual', '{}', 'd', 'd')`;

for (const backend of backends) {
  describe(`Db.transaction (${backend.name})`, () => {
    let db: Db;
    let account: string;
    before(async () => {
      db = await openAndMigrate(await backend.fresh());
      account = (await new Accounts(db).upsert({})).sid;
    });
    after(async () => {
      await db?.close();
      await backend.cleanup();
    });
    const count = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM end_users WHERE account_sid = ?', [account]))!.n;

    test('all statements commit together and the result comes back', async () => {
      const before = await count();
      const sids = [newSid('IT'), newSid('IT')];
      const result = await db.transaction(async (tx) => {
        for (const sid of sids) await tx.run(INSERT, [sid, account]);
        return (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM end_users WHERE account_sid = ?', [account]))!.n;
      });
      assert.equal(result, before + 2, 'the transaction sees its own writes');
      assert.equal(await count(), before + 2);
    });

    test('a throw rolls every statement back; violations are recognised in one place', async () => {
      const before = await count();
      const sid = newSid('IT');
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.run(INSERT, [newSid('IT'), account]);
          await tx.run(INSERT, [sid, account]);
          await tx.run(INSERT, [sid, account]);
        }),
        (err) => isUniqueViolation(err),
      );
      assert.equal(await count(), before, 'nothing of it was kept');
      await assert.rejects(db.run(INSERT, [newSid('IT'), `AC${'0'.repeat(32)}`]), (err) => isForeignKeyViolation(err) && !isUniqueViolation(err));
    });

    test('concurrent transactions and single writes all land, none torn', async () => {
      const before = await count();
      const work = Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? db.transaction(async (tx) => {
              await tx.run(INSERT, [newSid('IT'), account]);
              await tx.run(INSERT, [newSid('IT'), account]);
            })
          : db.run(INSERT, [newSid('IT'), account]),
      );
      await Promise.all(work);
      assert.equal(await count(), before + 5 * 2 + 5);
    });

    if (backend.name === 'sqlite') {
      test('SQLite refuses a transaction that awaits anything but its own statements, and keeps nothing of it', async () => {
        const before = await count();
        await assert.rejects(
          db.transaction(async (tx) => {
            await tx.run(INSERT, [newSid('IT'), account]);
            await sleep(5);
          }),
          /awaited something other than its own statements/,
        );
        assert.equal(await count(), before);
        await db.run(INSERT, [newSid('IT'), account]);
        assert.equal(await count(), before + 1, 'the connection is usable afterwards');
      });
    }
  });
}
