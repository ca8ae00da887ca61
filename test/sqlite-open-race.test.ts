import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from './support/paths.js';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-open-race-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// Each process opens the store the way a server does (WAL switch included) and migrates it.
const OPEN = `
  import { SqliteDb } from ${JSON.stringify(path.join(projectRoot, 'dist/src/store/sqlite.js'))};
  import { migrations } from ${JSON.stringify(path.join(projectRoot, 'dist/src/store/migrations.js'))};
  // All at one moment, after the (slow, uneven) imports.
  while (Date.now() < Number(process.argv[2])) await new Promise((resolve) => setImmediate(resolve));
  const db = new SqliteDb(process.argv[1]);
  await db.migrate(migrations);
  await db.close();
  process.stdout.write('opened');
`;

test('processes opening a new SQLite store at the same moment all open it (the switch to WAL is retried)', async () => {
  // The race is a matter of timing: rounds of three processes opening at one moment met it
  // in about half the rounds before the retry.
  for (let round = 0; round < 8; round++) {
    const file = path.join(dir, `round-${round}.sqlite`);
    const startAt = String(Date.now() + 800);
    const opened = await Promise.allSettled(
      [0, 1, 2].map(() => run(process.execPath, ['--input-type=module', '-e', OPEN, file, startAt], { timeout: 20_000 })),
    );
    for (const result of opened) {
      assert.equal(result.status, 'fulfilled', result.status === 'rejected' ? String((result.reason as { stderr?: string }).stderr ?? result.reason) : '');
    }
    assert.equal(fs.existsSync(`${file}-wal`) || fs.existsSync(file), true);
  }
});
