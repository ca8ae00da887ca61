/**
 * The one small interface every storage backend implements.
 *
 * Resources write portable SQL with `?` placeholders (SQLite and PostgreSQL share the
 * dialect we use: RETURNING, ON CONFLICT, row-value comparisons). Each backend prepares
 * and caches statements itself. Most request-path writes are one atomic statement (cross-
 * resource rules are foreign keys and guarded statements); multi-row loads go through `batch`;
 * the few units that must write several statements together use `transaction`.
 */
/** Bytes (a Buffer is a Uint8Array) go in as SQLite BLOB / PostgreSQL BYTEA and come back as Buffers. */
export type SqlValue = string | number | bigint | null | Uint8Array;

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

/** The statements a transaction's work may run. */
export interface Queries {
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

export interface Db extends Queries {
  readonly dialect: Dialect;
  /**
   * Whether the writes issued during one event-loop turn already share one transaction (SQLite's
   * group commit). Where they do not, a store may write them as one multi-row statement itself.
   */
  readonly groupsWrites: boolean;
  /**
   * Runs `work` atomically: all of its statements commit together, or none does (it throws).
   * PostgreSQL: one pooled client between BEGIN and COMMIT. SQLite: its own BEGIN IMMEDIATE
   * on the shared connection, so `work` may await only `tx`: awaiting anything else (real
   * I/O, a timer) would let other requests see its uncommitted writes, and is refused (the
   * transaction rolls back and throws).
   */
  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T>;
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

/** Both backends' codes for a violated foreign key, and for a violated unique key. */
const FOREIGN_KEY = new Set(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);
const UNIQUE = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

const codeOf = (err: unknown): unknown => (err instanceof Error ? (err as { code?: unknown }).code : undefined);

/** A statement refused because a row it writes or deletes breaks a foreign key. */
export function isForeignKeyViolation(err: unknown): boolean {
  return FOREIGN_KEY.has(codeOf(err) as string);
}

export function isUniqueViolation(err: unknown): boolean {
  return UNIQUE.has(codeOf(err) as string);
}

export function migrationSql(m: Migration, dialect: Dialect): string {
  return typeof m.sql === 'string' ? m.sql : m.sql[dialect];
}
