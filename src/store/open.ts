import type { Db } from './db.js';
import { PostgresDb, isPostgresUrl } from './postgres.js';
import { SqliteDb } from './sqlite.js';
import type { SqliteOptions } from './sqlite.js';
import { migrations } from './migrations.js';

export interface OpenOptions {
  pgPoolSize?: number;
  pgStatementTimeoutMs?: number;
  sqlite?: SqliteOptions;
}

/** `sqlite:PATH` (or `sqlite::memory:`) or `postgres://…`. */
export function openDb(url: string, options: OpenOptions = {}): Db {
  if (url.startsWith('sqlite:')) return new SqliteDb(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''), options.sqlite);
  if (isPostgresUrl(url)) {
    return new PostgresDb(url, { poolSize: options.pgPoolSize ?? 10, statementTimeoutMs: options.pgStatementTimeoutMs });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got ${url.replace(/\/\/[^@/]*@/, '//…@')}`);
}

/** Opens the database and brings its schema up to date. */
export async function openAndMigrate(url: string, options: OpenOptions = {}): Promise<Db> {
  const db = openDb(url, options);
  try {
    await db.migrate(migrations);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
