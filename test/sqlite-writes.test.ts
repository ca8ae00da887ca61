import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { SqliteDb } from '../src/store/sqlite.js';
import { GroupCommit } from '../src/store/sqlite-group-commit.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-sqlite-writes-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function openFresh(backgroundCheckpoints = true): Promise<{ db: SqliteDb; file: string }> {
  const file = path.join(dir, `store-${++files}.sqlite`);
  const db = new SqliteDb(file, { backgroundCheckpoints });
  await db.migrate([{ id: '0001_items', sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)' }]);
  return { db, file };
}

/** A second connection, as another process would have. */
function countFromOutside(file: string): number {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  } finally {
    other.close();
  }
}

describe('SQLite group commit', () => {
  test('writes issued in one turn commit together; each is committed when it resolves', async () => {
    const { db, file } = await openFresh();
    try {
      const names = Array.from({ length: 50 }, (_, i) => `item-${i}`);
      const rows = await Promise.all(
        names.map((name) => db.get<{ id: number; name: string }>('INSERT INTO items (name) VALUES (?) RETURNING id, name', [name])),
      );
      assert.deepEqual(
        rows.map((r) => r?.name),
        names,
      );
      assert.equal(new Set(rows.map((r) => r?.id)).size, 50);
      assert.equal(countFromOutside(file), 50);
    } finally {
      await db.close();
    }
  });

  test('a failing statement fails alone: the rest of its batch commits', async () => {
    const { db, file } = await openFresh();
    try {
      await db.run('INSERT INTO items (name) VALUES (?)', ['taken']);
      const results = await Promise.allSettled([
        db.run('INSERT INTO items (name) VALUES (?)', ['before']),
        db.run('INSERT INTO items (name) VALUES (?)', ['taken']),
        db.run('INSERT INTO items (name) VALUES (?)', ['after']),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE/);
      assert.equal(countFromOutside(file), 3);
    } finally {
      await db.close();
    }
  });

  test('reads see every write acknowledged before them', async () => {
    const { db } = await openFresh();
    try {
      for (let i = 0; i < 20; i++) {
        await db.run('INSERT INTO items (name) VALUES (?)', [`n${i}`]);
        assert.equal((await db.get<{ n: number }>('SELECT count(*) AS n FROM items'))?.n, i + 1);
      }
    } finally {
      await db.close();
    }
  });

  test('held writes wait, reads go on, and release commits them', async () => {
    const raw = new Database(path.join(dir, `raw-${++files}.sqlite`));
    raw.exec('CREATE TABLE items (name TEXT)');
    const writes = new GroupCommit(raw);
    const insert = raw.prepare('INSERT INTO items (name) VALUES (?)');
    writes.hold();
    let done = false;
    const pending = writes.enqueue(() => insert.run('held')).then(() => (done = true));
    for (let i = 0; i < 5; i++) await nextTurn();
    assert.equal(done, false);
    assert.equal((raw.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n, 0);
    writes.release();
    await pending;
    assert.equal((raw.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n, 1);
    raw.close();
  });
});

describe('SQLite background checkpoints', () => {
  test('the WAL is copied into the database file without any write waiting for it', async () => {
    const { db, file } = await openFresh();
    try {
      const before = fs.statSync(file).size;
      for (let i = 0; i < 40; i++) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => db.run('INSERT INTO items (name) VALUES (?)', [`${i}-${k}-${'x'.repeat(200)}`])));
      }
      // Automatic checkpoints are off on this connection: only the worker can grow the file.
      let size = fs.statSync(file).size;
      // A checkpoint may copy the WAL in more than one pass: wait for all of it (bounded).
      for (let waited = 0; size <= before + 200 * 1000 && waited < 10_000; waited += 50) {
        await sleep(50);
        size = fs.statSync(file).size;
      }
      assert.ok(size > before + 200 * 1000, `database file grew from ${before} to ${size} bytes`);
    } finally {
      await db.close();
    }
    assert.equal(fs.existsSync(`${file}-wal`), false, 'close checkpoints and removes the WAL');
  });

  test('a checkpoint that cannot finish holds writes back once, for at most maxHoldMs, not again and again', async () => {
    const file = path.join(dir, `held-${++files}.sqlite`);
    const db = new SqliteDb(file, { backgroundCheckpoints: true, walLimits: { maxFrames: 20, maxHoldMs: 400 } });
    await db.migrate([{ id: '0001_items', sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)' }]);
    // Another process's long read (an export, say): frames written after it began cannot be
    // checkpointed while it lasts, so the WAL only grows.
    const reader = new Database(file);
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM items').get();
    try {
      // A batch every 25 ms, so the checkpointer reports (every 50 ms) while they go on.
      let waited = 0;
      for (let i = 0; i < 30; i++) {
        const started = performance.now();
        await Promise.all(Array.from({ length: 20 }, (_, k) => db.run('INSERT INTO items (name) VALUES (?)', [`${i}-${k}-${'y'.repeat(500)}`])));
        waited += performance.now() - started;
        await sleep(25);
      }
      // Held once (400 ms) when the WAL passed the limit, then let through: not 400 ms a batch.
      assert.ok(waited >= 350, `writes were held (${waited.toFixed(0)} ms)`);
      assert.ok(waited < 2500, `writes were held once, not again and again (${waited.toFixed(0)} ms)`);
      reader.prepare('COMMIT').run();
      assert.equal((await db.get<{ n: number }>('SELECT count(*) AS n FROM items'))?.n, 600);
    } finally {
      if (reader.inTransaction) reader.prepare('COMMIT').run();
      reader.close();
      await db.close();
    }
  });

  for (const closes of [true, false]) {
    test(`a process exits by itself after using the store (${closes ? 'closed' : 'never closed'})`, () => {
      const file = path.join(dir, `exit-${++files}.sqlite`);
      const module = new URL('../src/store/sqlite.js', import.meta.url).href;
      const script = `
        const { SqliteDb } = await import(${JSON.stringify(module)});
        const db = new SqliteDb(${JSON.stringify(file)}, { backgroundCheckpoints: true });
        await db.migrate([{ id: '1', sql: 'CREATE TABLE t (x TEXT)' }]);
        await Promise.all([db.run('INSERT INTO t VALUES (?)', ['a']), db.run('INSERT INTO t VALUES (?)', ['b'])]);
        ${closes ? 'await db.close();' : ''}
        process.stdout.write('done');`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000, encoding: 'utf8' });
      assert.equal(child.error, undefined, 'the process ended within 15 s');
      assert.equal(child.stdout, 'done', child.stderr);
      assert.equal(child.status, 0, child.stderr);
    });
  }
});
