/**
 * The one small interface every storage backend implements.
 *
 * Resources write portable SQL with `?` placeholders (SQLite and PostgreSQL share the
 * dialect we use: RETURNING, ON CONFLICT, row-value comparisons). Each backend prepares
 * and caches statements itself. There is deliberately no general transaction API: every
 * request-path write is one atomic statement; multi-row loads go through `batch`.
 */
export type SqlValue = string | number | bigint | null;

export interface RunResult {
  changes: number;
}

export interface Migration {
  /** Unique and sortable, e.g. "0001_accounts". Applied in id order, once. */
  id: string;
  /** Portable SQL, or one text per dialect where they differ. Several statements allowed. */
  sql: string | { sqlite: string; postgres: string };
}

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly dialect: Dialect;
  /**
   * Whether the writes issued during one event-loop turn already share one transaction (SQLite's
   * group commit). Where they do not, a store may write them as one multi-row statement itself.
   */
  readonly groupsWrites: boolean;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** Runs one statement for each parameter list, all in one transaction. */
  batch(sql: string, paramLists: readonly (readonly SqlValue[])[]): Promise<void>;
  /** Applies the migrations not yet applied; safe when several processes start at once. */
  migrate(migrations: readonly Migration[]): Promise<string[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Raised by a backend when the database cannot be reached; the HTTP layer answers 503. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('database unavailable', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export function migrationSql(m: Migration, dialect: Dialect): string {
  return typeof m.sql === 'string' ? m.sql : m.sql[dialect];
}
