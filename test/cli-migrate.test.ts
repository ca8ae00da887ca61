import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { migrations } from '../src/store/migrations.js';
import { openDb } from '../src/store/open.js';
import { backends } from './support/backends.js';
import { runCli } from './support/cli.js';

const IDS = migrations.map((m) => m.id);

async function appliedIds(url: string): Promise<string[]> {
  const db = openDb(url);
  try {
    return (await db.all<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id);
  } finally {
    await db.close();
  }
}

for (const backend of backends) {
  describe(`regcomp migrate (${backend.name})`, () => {
    after(() => backend.cleanup());

    test('applies every migration once, then has nothing to do', async () => {
      const url = await backend.fresh();
      const first = await runCli(url, ['migrate']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, `applied ${IDS.join(', ')}\n`);
      assert.deepEqual(await appliedIds(url), IDS);

      const again = await runCli(url, ['migrate']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr, 'schema up to date: nothing to apply\n');
      assert.deepEqual(await appliedIds(url), IDS);
    });

    test('several processes migrating one store at once apply each migration exactly once', async () => {
      const url = await backend.fresh();
      const results = await Promise.all([1, 2, 3].map(() => runCli(url, ['migrate'])));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const applied = results.flatMap((r) => /^applied (.*)$/m.exec(r.stderr)?.[1]?.split(', ') ?? []);
      assert.deepEqual(applied.sort(), IDS, results.map((r) => r.stderr).join(''));
      assert.deepEqual(await appliedIds(url), IDS);
    });

    test('the --database-url option overrides DATABASE_URL', async () => {
      const url = await backend.fresh();
      const r = await runCli('nonsense:', ['--database-url', url, 'migrate']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await appliedIds(url), IDS);
    });
  });
}

describe('regcomp migrate failures', () => {
  test('an unknown kind of DATABASE_URL is refused, naming the accepted ones', async () => {
    const r = await runCli('mysql://root:secret@db/x', ['migrate']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^regcomp: DATABASE_URL must start with sqlite: or postgres:\/\//);
    assert.doesNotMatch(r.stderr, /secret/, 'the password is not echoed');
  });

  test('an unreachable PostgreSQL fails at once with a clear message', async () => {
    const r = await runCli('postgres://postgres@127.0.0.1:1/test', ['migrate']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^regcomp: cannot reach the database: .*ECONNREFUSED/);
  });
});
