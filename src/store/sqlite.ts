import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Db, Migration, RunResult, SqlValue } from './db.js';
import { migrationSql } from './db.js';

/**
 * SQLite through better-sqlite3. WAL with synchronous=NORMAL: a committed transaction is in
 * the WAL file before the call returns, so it survives `kill -9` of the process (only an OS
 * crash or power cut could lose the last commits).
 */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // Another process (the CLI, a second server) may hold the write lock for a moment.
    this.db.pragma('busy_timeout = 5000');
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
    return Promise.resolve(this.prepare(sql).get(...params) as T | undefined);
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return Promise.resolve(this.prepare(sql).all(...params) as T[]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const stmt = this.prepare(sql);
    const changes = stmt.reader ? stmt.all(...params).length : stmt.run(...params).changes;
    return Promise.resolve({ changes });
  }

  batch(sql: string, paramLists: readonly (readonly SqlValue[])[]): Promise<void> {
    const stmt = this.prepare(sql);
    this.db.transaction(() => {
      for (const params of paramLists) stmt.run(...params);
    })();
    return Promise.resolve();
  }

  migrate(migrations: readonly Migration[]): Promise<string[]> {
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

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
