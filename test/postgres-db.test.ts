import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Migration } from '../src/store/db.js';
import { DatabaseUnavailableError } from '../src/store/db.js';
import { isPostgresUrl, PostgresDb } from '../src/store/postgres.js';

const URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Each run gets its own schemas, so parallel runs and other test files never collide.
const PREFIX = `regcomp_pgtest_${randomBytes(4).toString('hex')}`;
const SCHEMA = `${PREFIX}_main`;

const admin = new PostgresDb(URL, { poolSize: 2 });
const opened: PostgresDb[] = [];

function open(schema: string, poolSize = 4, statementTimeoutMs?: number): PostgresDb {
  const db = new PostgresDb(URL, { poolSize, searchPath: schema, statementTimeoutMs });
  opened.push(db);
  return db;
}

async function createSchema(name: string): Promise<void> {
  await admin.run(`CREATE SCHEMA ${name}`);
}

/** Kills the only connection of `db` (a pool of size 1) while `start()` runs on it. */
async function killDuring(db: PostgresDb, start: () => Promise<unknown>): Promise<void> {
  const victim = await db.get<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  // The expectation is attached at once: the victim's error may arrive before the
  // terminating query itself returns, and a rejection nobody handles yet fails the run.
  const during = assert.rejects(start(), DatabaseUnavailableError);
  await sleep(200);
  await admin.get('SELECT pg_terminate_backend(?::int)', [victim?.pid ?? 0]);
  await during;
  // The pool drops the broken client and connects afresh.
  assert.deepEqual(await db.get('SELECT 1 AS one'), { one: 1 });
}

before(async () => {
  // No catch: if PostgreSQL is unreachable this hook fails and so does every test.
  await createSchema(SCHEMA);
});

after(async () => {
  await Promise.all(opened.map((db) => db.close()));
  const schemas = await admin.all<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname LIKE ?', [
    `${PREFIX}%`,
  ]);
  for (const { nspname } of schemas) await admin.run(`DROP SCHEMA ${nspname} CASCADE`);
  await admin.close();
});

test('isPostgresUrl', () => {
  assert.equal(isPostgresUrl('postgres://u@h/db'), true);
  assert.equal(isPostgresUrl('postgresql://u@h/db'), true);
  assert.equal(isPostgresUrl('data/regcomp.db'), false);
  assert.equal(isPostgresUrl('sqlite://x'), false);
});

describe('queries', () => {
  let db: PostgresDb;

  before(async () => {
    db = open(SCHEMA, 1);
    await db.run('CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT NOT NULL, k INTEGER)');
  });

  test('converts ? placeholders and prepares each text once per connection', async () => {
    const sql = 'SELECT ?::int + ?::int AS s, ?::text AS t';
    assert.deepEqual(await db.get(sql, [1, 2, 'a']), { s: 3, t: 'a' });
    assert.deepEqual(await db.get(sql, [10, 20, 'b']), { s: 30, t: 'b' });
    const prepared = await db.all<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements WHERE statement LIKE ?',
      ['SELECT $1::int + $2::int%'],
    );
    assert.deepEqual(prepared, [{ statement: 'SELECT $1::int + $2::int AS s, $3::text AS t' }]);
  });

  test('BIGINT comes back as a number, or a bigint beyond 2^53', async () => {
    const row = await db.get('SELECT ?::bigint AS big, 9007199254740993::bigint AS huge, count(*) AS n', [
      1_700_000_000_000,
    ]);
    assert.deepEqual(row, { big: 1_700_000_000_000, huge: 9007199254740993n, n: 1 });
  });

  test('run, get and all', async () => {
    assert.deepEqual(await db.run('INSERT INTO items (id, n, k) VALUES (?, ?, ?), (?, ?, ?)', ['a', 1, 1, 'b', 2, null]), {
      changes: 2,
    });
    assert.deepEqual(await db.run('UPDATE items SET n = n + 10 WHERE id = ?', ['a']), { changes: 1 });
    assert.deepEqual(await db.run('DELETE FROM items WHERE id = ?', ['nope']), { changes: 0 });
    assert.deepEqual(await db.get('SELECT id, n, k FROM items WHERE id = ?', ['a']), { id: 'a', n: 11, k: 1 });
    assert.equal(await db.get('SELECT id FROM items WHERE id = ?', ['nope']), undefined);
    assert.deepEqual(await db.all('SELECT id, k FROM items ORDER BY id'), [
      { id: 'a', k: 1 },
      { id: 'b', k: null },
    ]);
    assert.deepEqual(await db.all('SELECT id FROM items WHERE id = ?', ['nope']), []);
  });

  test('a constraint violation passes through unchanged', async () => {
    await assert.rejects(db.run('INSERT INTO items (id, n) VALUES (?, ?)', ['a', 0]), (err: unknown) => {
      assert.ok(!(err instanceof DatabaseUnavailableError));
      assert.equal((err as { code?: string }).code, '23505');
      return true;
    });
  });

  test('batch commits all rows, or none when one fails', async () => {
    const insert = 'INSERT INTO items (id, n) VALUES (?, ?)';
    await db.batch(insert, []);
    await db.batch(insert, [
      ['c', 3],
      ['d', 4],
    ]);
    await assert.rejects(
      db.batch(insert, [
        ['e', 5],
        ['f', 6],
        ['c', 7],
      ]),
      (err: unknown) => (err as { code?: string }).code === '23505',
    );
    assert.deepEqual(await db.all('SELECT id FROM items WHERE id IN (?, ?, ?, ?) ORDER BY id', ['c', 'd', 'e', 'f']), [
      { id: 'c' },
      { id: 'd' },
    ]);
    // The client went back to the pool usable, outside any transaction.
    assert.deepEqual(await db.get('SELECT count(*) AS n FROM items'), { n: 4 });
  });

  test('statement_timeout defaults to 10 s and its errors pass through', async () => {
    assert.deepEqual(await db.get('SHOW statement_timeout'), { statement_timeout: '10s' });
    const quick = open(SCHEMA, 1, 100);
    await assert.rejects(quick.get('SELECT pg_sleep(1)'), (err: unknown) => (err as { code?: string }).code === '57014');
  });

  test('ping', async () => {
    await db.ping();
  });
});

describe('migrate', () => {
  const migrations: Migration[] = [
    // Deliberately out of order: they apply by id.
    { id: '0002_b', sql: 'CREATE TABLE b (id TEXT PRIMARY KEY); INSERT INTO b VALUES (\'x\');' },
    {
      id: '0001_a',
      sql: {
        sqlite: 'this is not for postgres',
        // The pause makes concurrent callers overlap.
        postgres: 'CREATE TABLE a (id TEXT PRIMARY KEY, n BIGINT); SELECT pg_sleep(0.2); CREATE INDEX a_n ON a (n);',
      },
    },
  ];

  test('applies each migration once', async () => {
    const schema = `${PREFIX}_mig`;
    await createSchema(schema);
    const db = open(schema);
    assert.deepEqual(await db.migrate(migrations), ['0001_a', '0002_b']);
    assert.deepEqual(await db.migrate(migrations), []);
    const third: Migration = { id: '0003_c', sql: 'ALTER TABLE a ADD COLUMN k INTEGER' };
    assert.deepEqual(await db.migrate([...migrations, third]), ['0003_c']);
    assert.deepEqual(await db.all('SELECT id FROM b'), [{ id: 'x' }]);
  });

  test('concurrent callers apply each migration exactly once', async () => {
    const schema = `${PREFIX}_conc`;
    await createSchema(schema);
    const results = await Promise.all([open(schema).migrate(migrations), open(schema).migrate(migrations)]);
    assert.deepEqual(results.flat().sort(), ['0001_a', '0002_b']);
    const rows = await open(schema).all('SELECT id FROM schema_migrations ORDER BY id');
    assert.deepEqual(rows, [{ id: '0001_a' }, { id: '0002_b' }]);
  });
});

describe('connection trouble', () => {
  test('an unreachable server gives DatabaseUnavailableError', async () => {
    const db = new PostgresDb('postgres://postgres@127.0.0.1:1/test', { poolSize: 1 });
    try {
      const refused = (err: unknown): boolean =>
        err instanceof DatabaseUnavailableError && (err.cause as { code?: string }).code === 'ECONNREFUSED';
      await assert.rejects(db.ping(), refused);
      await assert.rejects(db.get('SELECT ?::int', [1]), refused);
      await assert.rejects(db.batch('SELECT ?::int', [[1]]), refused);
      await assert.rejects(db.migrate([]), refused);
    } finally {
      await db.close();
      await db.close();
    }
  });

  test('a connection killed mid-query gives DatabaseUnavailableError, then the pool recovers', async () => {
    const db = open(SCHEMA, 1);
    await killDuring(db, () => db.get('SELECT pg_sleep(5)'));
  });

  test('a connection killed mid-transaction does the same, without crashing the process', async () => {
    const db = open(SCHEMA, 1);
    await killDuring(db, () => db.batch('SELECT pg_sleep(?)', [[5]]));
  });

  test('a statement that never answers gives DatabaseUnavailableError after the query timeout', async () => {
    // No server-side limit here, so only the client-side backstop can end the wait.
    const db = new PostgresDb(URL, { poolSize: 1, searchPath: SCHEMA, statementTimeoutMs: 0, queryTimeoutMs: 300 });
    opened.push(db);
    const timedOut = (err: unknown): boolean =>
      err instanceof DatabaseUnavailableError && (err.cause as Error).message === 'Query read timeout';
    const started = Date.now();
    await assert.rejects(db.get('SELECT pg_sleep(3)'), timedOut);
    // In a transaction too, without waiting on a ROLLBACK queued behind the silent statement.
    await assert.rejects(db.batch('SELECT pg_sleep(?)', [[3]]), timedOut);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    // The stuck connections were discarded, not handed out again.
    assert.deepEqual(await db.get('SELECT 1 AS one'), { one: 1 });
  });

  test('an idle connection killed is replaced', async () => {
    const db = open(SCHEMA, 1);
    const before = await db.get<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await admin.get('SELECT pg_terminate_backend(?::int)', [before?.pid ?? 0]);
    await sleep(100);
    const now = await db.get<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    assert.notEqual(now?.pid, before?.pid);
  });
});
