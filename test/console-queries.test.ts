import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Accounts } from '../src/accounts/accounts.js';
import { SEARCH_SCAN_BUDGET, SEARCH_SQL } from '../src/control/console-queries.js';
import { openAndMigrate } from '../src/store/open.js';
import { exportStore, importStore } from '../src/transfer/ndjson.js';
import { twilioDate } from '../src/twilio/dates.js';
import { newSid } from '../src/twilio/sid.js';
import { backends } from './support/backends.js';
import type { Credentials, TestServer } from './support/server.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const SEARCH = '/regcomp/EndUsers/Search';
const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';

interface SearchPage {
  end_users: { sid: string; friendly_name: string }[];
  next_page_token: string | null;
}

/** Many end users in one account, written straight to the store (the API would take minutes). */
async function seedEndUsers(server: TestServer, accountSid: string, names: readonly string[]): Promise<void> {
  const now = twilioDate();
  for (let start = 0; start < names.length; start += 500) {
    const chunk = names.slice(start, start + 500);
    await server.db.run(
      `INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((name) => [newSid('IT'), accountSid, name, 'individual', '{}', now, now]),
    );
  }
}

async function search(server: TestServer, query: Record<string, string>, auth?: Credentials): Promise<SearchPage> {
  const response = await server.request('GET', `${SEARCH}?${new URLSearchParams(query).toString()}`, auth ? { auth } : {});
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as SearchPage;
}

/** Every match, following the tokens; and how many requests that took. */
async function searchAll(server: TestServer, text: string, pageSize = '20'): Promise<{ names: string[]; requests: number }> {
  const names: string[] = [];
  let token: string | null = '';
  let requests = 0;
  while (token !== null) {
    const found = await search(server, { FriendlyName: text, PageSize: pageSize, ...(token ? { PageToken: token } : {}) });
    requests++;
    assert.ok(found.end_users.length <= Number(pageSize));
    names.push(...found.end_users.map((u) => u.friendly_name));
    token = found.next_page_token;
  }
  return { names, requests };
}

for (const backend of backends) {
  describe(`the console's control queries (${backend.name})`, () => {
    const server = serverFor(backend, { REVIEW_POLICY: 'manual' });

    test('End-Users search: substring in any case, newest first, bounded windows that go on to the oldest', async () => {
      const total = 2 * SEARCH_SCAN_BUDGET + 500;
      // The oldest row matches, a few in between, and names with LIKE's wildcards taken literally.
      const names = Array.from({ length: total }, (_, i) => (i === 0 ? 'Oldest ACME row' : i % 2000 === 1 ? `acme ${i}` : `person ${i}`));
      names.push('Discount 50%', 'Discount 500', 'snake_case', 'snakeXcase');
      await seedEndUsers(server, server.account.sid, names);
      const other = await server.newAccount();
      await seedEndUsers(server, other.sid, ['Acme of another account']);

      const { names: found, requests } = await searchAll(server, 'Acme');
      const expected = names.filter((n) => n.toLowerCase().includes('acme')).reverse();
      assert.deepEqual(found, expected);
      assert.ok(requests >= 3, `each request looks at ${SEARCH_SCAN_BUDGET} rows at most, so ${total} rows take several (${requests})`);

      const first = await search(server, { FriendlyName: 'person', PageSize: '3' });
      assert.deepEqual(first.end_users.map((u) => u.friendly_name), [`person ${total - 1}`, `person ${total - 2}`, `person ${total - 3}`]);
      const second = await search(server, { FriendlyName: 'person', PageSize: '3', PageToken: first.next_page_token! });
      assert.deepEqual(second.end_users.map((u) => u.friendly_name), [`person ${total - 4}`, `person ${total - 5}`, `person ${total - 6}`]);
      // Sealed like every page token: no row id in clear, and good only for the search it came from.
      assert.doesNotMatch(first.next_page_token!, /^\d+$/);
      const elsewhere = new URLSearchParams({ FriendlyName: 'Acme', PageToken: first.next_page_token! });
      await expectTwilioError(await server.request('GET', `${SEARCH}?${elsewhere.toString()}`), 400, 21481);

      assert.deepEqual((await searchAll(server, '50%')).names, ['Discount 50%']);
      assert.deepEqual((await searchAll(server, 'snake_')).names, ['snake_case']);
      assert.deepEqual((await search(server, { FriendlyName: 'another account' })).end_users, []);
      assert.deepEqual((await search(server, { FriendlyName: 'acme' }, other)).end_users.map((u) => u.friendly_name), ['Acme of another account']);
    });

    test("End-Users search: both statements are range scans of the account's (account_sid, id) index", async () => {
      // After the test above: over 10,000 rows in this account, some in others.
      const sql = SEARCH_SQL[server.db.dialect];
      // As autovacuum would after a bulk load: the planner knows how the rows are spread.
      if (server.db.dialect === 'postgres') await server.db.run('ANALYZE end_users');
      const statements = [
        { text: sql.edge, params: sql.edgeParams(server.account.sid, Number.MAX_SAFE_INTEGER) },
        { text: sql.matches, params: sql.matchParams(server.account.sid, Number.MAX_SAFE_INTEGER, 5000, '%acme%', 21) },
      ];
      for (const { text, params } of statements) {
        if (server.db.dialect === 'sqlite') {
          const plan = (await server.db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`, params)).map((r) => r.detail).join('\n');
          assert.match(plan, /SEARCH end_users USING (COVERING )?INDEX end_users_account_id \(account_sid=\? AND (rowid|id)[<>]\?/, plan);
          assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
        } else {
          let n = 0;
          const literal = text.replace(/\?/g, () => {
            const value = params[n++]!;
            return typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);
          });
          const rows = await server.db.all<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${literal}`);
          const plan = JSON.stringify(rows[0]!['QUERY PLAN']);
          assert.match(plan, /"Index Name":"end_users_account_id"/, plan);
          assert.doesNotMatch(plan, /"Node Type":"(Seq Scan|Sort)"/, plan);
        }
      }
    });

    test('End-Users search: bad input is a Twilio 400 naming the parameter', async () => {
      await expectTwilioError(await server.request('GET', SEARCH), 400, 20001, /FriendlyName/);
      await expectTwilioError(await server.request('GET', `${SEARCH}?FriendlyName=%20`), 400, 20001, /FriendlyName/);
      await expectTwilioError(await server.request('GET', `${SEARCH}?FriendlyName=${'x'.repeat(65)}`), 400, 20001, /FriendlyName/);
      await expectTwilioError(await server.request('GET', `${SEARCH}?FriendlyName=a&PageSize=101`), 400, 20001, /PageSize/);
      await expectTwilioError(await server.request('GET', `${SEARCH}?FriendlyName=a&PageSize=zero`), 400, 20001, /PageSize/);
      await expectTwilioError(await server.request('GET', `${SEARCH}?FriendlyName=a&PageToken=-1`), 400, 21481);
      await expectTwilioError(await server.request('GET', `${SEARCH}?FriendlyName=a`, { auth: null }), 401, 20003);
      await expectTwilioError(await server.request('POST', SEARCH, { body: 'FriendlyName=a' }), 405, 20004);
    });

    test("the account's API keys, never a secret or a hash, never another account's", async () => {
      const accounts = new Accounts(server.db);
      const mine = await accounts.createKey(server.account.sid, 'deploy key');
      const other = await server.newAccount();
      await accounts.createKey(other.sid, 'not yours');
      const response = await server.request('GET', '/regcomp/ApiKeys');
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.deepEqual(JSON.parse(text), { api_keys: [{ sid: mine!.sid, friendly_name: 'deploy key', date_created: mine!.date_created }] });
      assert.equal(text.includes(mine!.secret), false);
      // Signed in with the key itself, the same account's keys.
      const byKey = await server.request('GET', '/regcomp/ApiKeys', { auth: { sid: mine!.sid, token: mine!.secret } });
      assert.deepEqual(((await byKey.json()) as { api_keys: { sid: string }[] }).api_keys.map((k) => k.sid), [mine!.sid]);
    });

    test('a bundle’s status history: created, submitted, decided, copied; written with each change', async () => {
      const rc = server.sdk().numbers.v2.regulatoryCompliance;
      const bundle = await rc.bundles.create({ friendlyName: 'History', email: 'ops@acme.example', regulationSid: GERMANY });
      const history = async (sid: string) => {
        const response = await server.request('GET', `/regcomp/Bundles/${sid}/StatusHistory`);
        assert.equal(response.status, 200);
        return ((await response.json()) as { history: { status: string; failure_reason: string | null }[] }).history;
      };
      assert.deepEqual(await history(bundle.sid), [{ status: 'draft', failure_reason: null, date_created: bundle.dateCreated.toISOString().replace('.000', '') }]);
      await rc.bundles(bundle.sid).update({ status: 'pending-review' });
      const review = (body: string) => server.request('POST', `/regcomp/Bundles/${bundle.sid}/Review`, { body });
      assert.equal((await review('Status=twilio-rejected&FailureReason=Blurry+scan')).status, 200);
      await rc.bundles(bundle.sid).update({ status: 'pending-review' });
      assert.equal((await review('Status=twilio-approved&ValidUntil=2027-06-30T00:00:00Z')).status, 200);
      // A decision to the status it already has is no change: nothing is added.
      assert.equal((await review('Status=twilio-approved')).status, 200);
      assert.deepEqual(
        (await history(bundle.sid)).map((h) => [h.status, h.failure_reason]),
        [['draft', null], ['pending-review', null], ['twilio-rejected', 'Blurry scan'], ['pending-review', null], ['twilio-approved', null]],
      );
      const copy = await rc.bundles(bundle.sid).bundleCopies.create();
      assert.deepEqual((await history(copy.sid)).map((h) => h.status), ['draft']);

      const other = await server.newAccount();
      await expectTwilioError(await server.request('GET', `/regcomp/Bundles/${bundle.sid}/StatusHistory`, { auth: other }), 404, 20404);
      await expectTwilioError(await server.request('GET', '/regcomp/Bundles/BUnot-a-sid/StatusHistory'), 404, 20404);

      // The history travels with the store.
      let text = '';
      await exportStore(server.db, (t) => Promise.resolve(void (text += t)));
      assert.match(text, /"kind":"bundle_status_change"/);
      const target = await openAndMigrate(await backend.fresh(), {});
      try {
        await importStore(target, (async function* () {
          for (const line of text.split('\n')) yield line;
          await Promise.resolve();
        })());
        const rows = await target.all<{ status: string; seq: number }>('SELECT status, seq FROM bundle_status_history WHERE bundle_sid = ? ORDER BY seq', [bundle.sid]);
        assert.deepEqual(rows.map((r) => [r.status, Number(r.seq)]), [['draft', 1], ['pending-review', 2], ['twilio-rejected', 3], ['pending-review', 4], ['twilio-approved', 5]]);
      } finally {
        await target.close();
      }
    });
  });
}
