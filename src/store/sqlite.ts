import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Db, Migration, Queries, RunResult, SqlValue } from './db.js';
import { migrationSql } from './db.js';
import { BackgroundCheckpointer } from './sqlite-checkpointer.js';
import type { WalLimits } from './sqlite-checkpointer.js';
import { GroupCommit } from './sqlite-group-commit.js';

export interface SqliteOptions {
  /**
   * Checkpoint the WAL in a worker thread instead of in the middle of some write (for the
   * server; short-lived commands keep SQLite's automatic checkpoints).
   */
  backgroundCheckpoints?: boolean;
  /** When background checkpoints hold writes back (defaults suit the server; tests lower them). */
  walLimits?: WalLimits;
}

/**
 * SQLite through better-sqlite3. WAL with synchronous=NORMAL: a committed transaction is in
 * the WAL file before its write is acknowledged, so it survives `kill -9` of the process (only
 * an OS crash or power cut could lose the last commits). Reads run at once; writes are
 * group-committed (see GroupCommit).
 */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  readonly groupsWrites = true;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writes: GroupCommit;
  private readonly checkpointer: BackgroundCheckpointer | undefined;

  constructor(file: string, options: SqliteOptions = {}) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Another process (the CLI, a second server) may hold a lock for a moment, even while
    // this one switches a new file to WAL: wait for it from the very first statement.
    this.db = new Database(file, { timeout: LOCK_WAIT_MS });
    switchToWal(this.db);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // Deleted rows (attributes, uploaded files) are overwritten with zeros, not left in free space.
    this.db.pragma('secure_delete = ON');
    this.writes = new GroupCommit(this.db);
    if (options.backgroundCheckpoints && file !== ':memory:') {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = new BackgroundCheckpointer(
        file,
        this.writes,
        () => {
          // The worker is gone: checkpoint as SQLite does by default rather than let the WAL grow.
          if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
        },
        options.walLimits,
      );
    }
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    const stmt = this.prepare(sql);
    if (stmt.readonly) return Promise.resolve(stmt.get(...params) as T | undefined);
    return this.writes.enqueue(() => stmt.get(...params) as T | undefined);
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const stmt = this.prepare(sql);
    if (stmt.readonly) return Promise.resolve(stmt.all(...params) as T[]);
    return this.writes.enqueue(() => stmt.all(...params) as T[]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const stmt = this.prepare(sql);
    const execute = () => ({ changes: stmt.reader ? stmt.all(...params).length : stmt.run(...params).changes });
    return stmt.readonly ? Promise.resolve(execute()) : this.writes.enqueue(execute);
  }

  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    // Inside, statements run at once: the transaction holds the connection to itself.
    const now = <R>(execute: () => R) => new Promise<R>((resolve) => resolve(execute()));
    const tx: Queries = {
      get: <R>(sql: string, params: readonly SqlValue[] = []) => now(() => this.prepare(sql).get(...params) as R | undefined),
      all: <R>(sql: string, params: readonly SqlValue[] = []) => now(() => this.prepare(sql).all(...params) as R[]),
      run: (sql: string, params: readonly SqlValue[] = []) =>
        now(() => {
          const stmt = this.prepare(sql);
          return { changes: stmt.reader ? stmt.all(...params).length : stmt.run(...params).changes };
        }),
    };
    return this.writes.transaction(() => work(tx));
  }

  batch(sql: string, paramLists: readonly (readonly SqlValue[])[]): Promise<void> {
    const stmt = this.prepare(sql);
    this.writes.flush();
    this.db.transaction(() => {
      for (const params of paramLists) stmt.run(...params);
    })();
    return Promise.resolve();
  }

  migrate(migrations: readonly Migration[]): Promise<string[]> {
    this.writes.flush();
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    // BEGIN IMMEDIATE takes the write lock first, so two processes starting at once apply
    // each migration exactly once.
    const apply = this.db.transaction(() => {
      const done = new Set(
        (this.db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
      );
      const applied: string[] = [];
      for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
        if (done.has(m.id)) continue;
        this.db.exec(migrationSql(m, 'sqlite'));
        this.db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString());
        applied.push(m.id);
      }
      return applied;
    });
    return Promise.resolve(apply.immediate());
  }

  ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.writes.flush();
    await this.checkpointer?.close();
    // The last connection to close checkpoints the WAL into the database and removes it.
    if (this.db.open) this.db.close();
  }
}

/** How long a statement waits for another process's lock (the CLI, a second server). */
const LOCK_WAIT_MS = 5000;

/**
 * Switching a new file to WAL takes an exclusive lock that SQLite's busy handler does not wait
 * for (it would risk a deadlock), so two processes opening a new store at once can see
 * SQLITE_BUSY here: retry until the other one has switched it, within the same bound.
 */
function switchToWal(db: Database.Database): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      // Start-up only, before anything is served: a short synchronous pause is harmless.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
