import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { Accounts } from '../src/accounts/accounts.js';
import { resources } from '../src/resources/index.js';
import type { Db, SqlValue } from '../src/store/db.js';
import type { KeysetTable } from '../src/store/keyset.js';
import { KeysetPages } from '../src/store/keyset.js';
import { openAndMigrate } from '../src/store/open.js';
import { backends } from './support/backends.js';

/**
 * Every keyset list a resource registers must page by one range scan of its (...scope, id)
 * index, whatever the depth and however the rows are spread: here a small scope's rows are
 * scattered among a big one's, where walking the primary key and filtering by scope would
 * read most of the table. Checked on the exact SQL KeysetPages sends, with PostgreSQL forced
 * to the generic plan it settles on for a prepared statement.
 */
const ROWS = 30_000;

function literal(value: SqlValue): string {
  return typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);
}

/**
 * Fills a table with ROWS rows, one in 500 in a small scope, the rest in a big one, and returns
 * the two scopes' values. A new keyset table needs a seeder here (the test fails until it has one).
 */
type Seeder = (db: Db, small: string, big: string) => Promise<SqlValue[][]>;

const seeders: Record<string, Seeder> = {
  end_users: async (db, small, big) => {
    const insert =
      db.dialect === 'postgres'
        ? `INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated)
           SELECT 'IT' || md5(g::text), CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'n', 'individual', '{}', 'd', 'd'
           FROM generate_series(1, ${ROWS}) g`
        : `WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < ${ROWS})
           INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated)
           SELECT printf('IT%032d', g), CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'n', 'individual', '{}', 'd', 'd' FROM c`;
    await db.run(insert, [small, big]);
    return [[small], [big]];
  },
  bundles: async (db, small, big) => {
    const columns = `sid, account_sid, regulation_sid, iso_country, number_type, end_user_type, friendly_name, status, valid_until, email,
      date_created, date_updated`;
    const insert =
      db.dialect === 'postgres'
        ? `INSERT INTO bundles (${columns})
           SELECT 'BU' || md5(g::text), CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'RN', 'DE', 'local', 'business', 'b', 'draft',
             CASE WHEN g % 3 = 0 THEN '' ELSE '2030-01-' || lpad((g % 28 + 1)::text, 2, '0') || 'T00:00:00Z' END, 'e@x',
             'd', '2026-01-' || lpad((g % 28 + 1)::text, 2, '0') || 'T00:00:00Z'
           FROM generate_series(1, ${ROWS}) g`
        : `WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < ${ROWS})
           INSERT INTO bundles (${columns})
           SELECT printf('BU%032d', g), CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'RN', 'DE', 'local', 'business', 'b', 'draft',
             CASE WHEN g % 3 = 0 THEN '' ELSE printf('2030-01-%02dT00:00:00Z', g % 28 + 1) END, 'e@x',
             'd', printf('2026-01-%02dT00:00:00Z', g % 28 + 1) FROM c`;
    await db.run(insert, [small, big]);
    return [[small], [big]];
  },
  supporting_documents: async (db, small, big) => {
    const columns = 'sid, account_sid, friendly_name, type, attributes, status, date_created, date_updated';
    const insert =
      db.dialect === 'postgres'
        ? `INSERT INTO supporting_documents (${columns})
           SELECT 'RD' || md5(g::text), CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'n', 'passport', '{}', 'draft', 'd', 'd'
           FROM generate_series(1, ${ROWS}) g`
        : `WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < ${ROWS})
           INSERT INTO supporting_documents (${columns})
           SELECT printf('RD%032d', g), CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'n', 'passport', '{}', 'draft', 'd', 'd' FROM c`;
    await db.run(insert, [small, big]);
    return [[small], [big]];
  },
};

/** Two bundles of `account`, for the nested lists: a big one and a small one. */
async function twoBundles(db: Db, account: string): Promise<[string, string]> {
  const sids: [string, string] = [`BU${'b'.repeat(32)}`, `BU${'s'.repeat(32)}`];
  for (const sid of sids) {
    await db.run(
      `INSERT INTO bundles (sid, account_sid, regulation_sid, iso_country, number_type, end_user_type, friendly_name, status, email, date_created, date_updated)
       VALUES (?, ?, 'RN', 'DE', 'local', 'business', 'b', 'draft', 'e@x', 'd', 'd')`,
      [sid, account],
    );
  }
  return sids;
}

seeders.item_assignments = async (db, _small, big) => {
  await seeders.end_users!(db, big, big);
  const [many, few] = await twoBundles(db, big);
  const pick = db.dialect === 'postgres' ? `'BV' || md5(id::text)` : `printf('BV%032d', id)`;
  await db.run(
    `INSERT INTO item_assignments (sid, account_sid, bundle_sid, end_user_sid, date_created)
     SELECT ${pick}, account_sid, CASE WHEN id % 500 = 0 THEN ? ELSE ? END, sid, 'd' FROM end_users`,
    [few, many],
  );
  return [[big, few], [big, many]];
};

seeders.evaluations = async (db, _small, big) => {
  const [many, few] = await twoBundles(db, big);
  const insert =
    db.dialect === 'postgres'
      ? `INSERT INTO evaluations (sid, account_sid, bundle_sid, regulation_sid, status, results, date_created)
         SELECT 'EL' || md5(g::text), ?, CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'RN', 'noncompliant', '[]', 'd' FROM generate_series(1, ${ROWS}) g`
      : `WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < ${ROWS})
         INSERT INTO evaluations (sid, account_sid, bundle_sid, regulation_sid, status, results, date_created)
         SELECT printf('EL%032d', g), ?, CASE WHEN g % 500 = 0 THEN ? ELSE ? END, 'RN', 'noncompliant', '[]', 'd' FROM c`;
  await db.run(insert, [big, few, many]);
  return [[big, few], [big, many]];
};

const lists: KeysetTable[] = resources.flatMap((r) => r.lists ?? []);

test('every registered keyset list has a seeder', () => {
  assert.deepEqual(lists.map((l) => l.table).filter((table) => !(table in seeders)), []);
});

for (const backend of backends) {
  describe(`list page plans (${backend.name})`, () => {
    after(() => backend.cleanup());

    for (const list of lists) {
      test(`${list.index}: every page, first or deep, forward or back, is a range scan of (${[...list.scope, ...(list.sort ? [list.sort] : []), 'id'].join(', ')})`, async () => {
        const url = await backend.fresh();
        const db = await openAndMigrate(url);
        try {
          const accounts = new Accounts(db);
          const big = (await accounts.upsert({})).sid;
          const small = (await accounts.upsert({})).sid;
          // A list with a wider scope than its table's seeder fills (copies: copied_from) gets '' there.
          const scopes = (await seeders[list.table]!(db, small, big)).map((values) => list.scope.map((_, i) => values[i] ?? ''));
          await db.run('ANALYZE');

          // The statements KeysetPages sends, with their parameters.
          const sent: { sql: string; params: readonly SqlValue[] }[] = [];
          const spy: Db = Object.create(db, {
            all: { value: (sql: string, params: readonly SqlValue[] = []) => (sent.push({ sql, params }), db.all(sql, params)) },
          }) as Db;
          // Not only index columns, so no plan can be a covering-index scan.
          const pages = new KeysetPages(spy, list, 'id, sid');
          for (const scope of scopes) {
            for (const bound of [undefined, Math.floor(ROWS / 2), ROWS - 100]) {
              // A sorted list's bound is a (sort value, id) pair.
              const sortBound = list.sort === undefined || bound === undefined ? undefined : '2026-01-15T00:00:00Z';
              for (const order of ['asc', 'desc'] as const) {
                for (const descending of [false, true]) await pages.read(scope, { bound, sortBound, descending, limit: 51 }, { order });
              }
            }
          }
          assert.equal(sent.length, 12 * scopes.length);

          if (db.dialect === 'sqlite') {
            const equal = list.scope.map((c) => `${c}=\\?`).join(' AND ');
            const seek = list.sort === undefined
              ? new RegExp(`^SEARCH ${list.table} USING INDEX ${list.index} \\(${equal} AND id[<>]\\?\\)$`)
              : // SQLite seeks on the row value's first column and walks on in index order.
                new RegExp(`^SEARCH ${list.table} USING INDEX ${list.index} \\(${equal}( AND ${list.sort}[<>]\\?)?\\)$`);
            for (const { sql, params } of sent) {
              // SQLite re-prepares a statement each time a bare `LIMIT ?` is bound (keyset.ts, limitClause).
              assert.doesNotMatch(sql, /LIMIT \?/, sql);
              const plan = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
              assert.match(plan.map((p) => p.detail).join('; '), seek, sql);
            }
            return;
          }
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            for (const mode of ['force_generic_plan', 'auto']) {
              await client.query(`SET plan_cache_mode = ${mode}`);
              for (const [i, { sql, params }] of sent.entries()) {
                let n = 0;
                await client.query(`PREPARE page_${mode}_${i} AS ${sql.replace(/\?/g, () => `$${++n}`)}`);
                const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: { Plans: Record<string, unknown>[] } }] }>(
                  `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page_${mode}_${i}(${params.map(literal).join(', ')})`,
                );
                const scan = rows[0]!['QUERY PLAN'][0].Plan.Plans[0]!;
                const where = `${mode} ${JSON.stringify(params)}: ${JSON.stringify(scan)}`;
                assert.equal(scan['Node Type'], 'Index Scan', where);
                assert.equal(scan['Index Name'], list.index, where);
                if (list.sort === undefined) {
                  assert.ok(String(scan['Index Cond']).includes(`(${[...list.scope, 'id'].join(', ')}) `), where);
                  assert.match(String(scan['Index Cond']), /\) [<>] ROW/, where);
                } else {
                  assert.ok(list.scope.every((c) => String(scan['Index Cond']).includes(`${c} = `)), where);
                }
                assert.equal(scan.Filter, undefined, where);
              }
            }
          } finally {
            await client.end();
          }
        } finally {
          await db.close();
        }
      });
    }
  });
}
