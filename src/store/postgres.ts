import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Migration, Queries, RunResult, SqlValue } from './db.js';
import { DatabaseUnavailableError, migrationSql } from './db.js';

export interface PostgresOptions {
  poolSize: number;
  /** Server-side limit for each statement; default 10 000 ms. Migrations run without it. */
  statementTimeoutMs?: number;
  /**
   * Client-side limit on waiting for a statement's answer; default statementTimeoutMs + 2 000.
   * A backstop for a connection that went silent (a network partition, a frozen server), where
   * no server-side timeout can answer and TCP would take many minutes to give up.
   */
  queryTimeoutMs?: number;
  /** Sets the connection's search_path, e.g. to isolate tests in their own schema. */
  searchPath?: string;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Any fixed key works; it only has to be the same in every process that migrates this database. */
const MIGRATION_LOCK_KEY = 0x7265_6763; // "regc"

const INT8_OID = 20;

/** COUNT(*) and BIGINT columns: a number when exact, a bigint beyond 2^53 rather than a rounded number. */
function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function typeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  if (oid === INT8_OID && format !== 'binary') return parseInt8;
  return pg.types.getTypeParser(oid, format) as (text: string) => unknown;
}

// Per pool, so we don't change pg's global parsers for anyone else in the process.
const types = { getTypeParser: typeParser as typeof pg.types.getTypeParser };

// Node socket errors, then SQLSTATEs: admin/crash shutdown, cannot connect now, too many connections.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300',
]);

// pg and pg-pool report a lost connection or a connect timeout by message only.
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout)/;

function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (UNAVAILABLE_MESSAGE.test(err.message)) return true;
  // Connecting to a host name with several addresses fails with one error per address.
  return err instanceof AggregateError && err.errors.some(isUnavailable);
}

function classify(err: unknown): never {
  throw isUnavailable(err) ? new DatabaseUnavailableError(err) : err;
}

/** libpq's `options` separates arguments by spaces; a backslash escapes one. */
function searchPathOption(searchPath: string): string {
  return `-c search_path=${searchPath.replace(/[\\ ]/g, '\\$&')}`;
}

/** pg honours a per-query `query_timeout` (ms); its type definitions do not list it. */
function timed<V extends unknown[]>(config: pg.QueryConfig<V>, ms: number): pg.QueryConfig<V> {
  return Object.assign(config, { query_timeout: ms });
}

interface Statement {
  name: string;
  text: string;
}

/**
 * PostgreSQL through a pg.Pool. Every distinct SQL text becomes a named prepared statement,
 * so each connection parses and plans it once.
 */
export class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  readonly groupsWrites = false;
  private readonly pool: pg.Pool;
  private readonly statements = new Map<string, Statement>();
  private readonly queryTimeoutMs: number;
  private closing: Promise<void> | undefined;

  constructor(url: string, options: PostgresOptions) {
    this.queryTimeoutMs = options.queryTimeoutMs ?? (options.statementTimeoutMs ?? 10_000) + 2000;
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 30_000,
      // Lets the OS notice a silently dropped idle connection (NAT, failover).
      keepAlive: true,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      types,
      ...(options.searchPath === undefined ? {} : { options: searchPathOption(options.searchPath) }),
    });
    // An idle client whose connection dies emits here; the pool has already discarded it, and an
    // unhandled 'error' event would crash the process.
    this.pool.on('error', () => {});
  }

  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      let n = 0;
      const name = `rc_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
      stmt = { name, text: sql.replace(/\?/g, () => `$${++n}`) };
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private query<T extends pg.QueryResultRow>(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult<T>> {
    const { name, text } = this.statement(sql);
    // A client whose query timed out is released with the error, so the pool discards it.
    return this.pool
      .query<T>(timed({ name, text, values: params as SqlValue[] }, this.queryTimeoutMs))
      .catch(classify);
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    const { rows } = await this.query(sql, params);
    return rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const { rows } = await this.query(sql, params);
    return rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const { rowCount } = await this.query(sql, params);
    return { changes: rowCount ?? 0 };
  }

  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    return this.onOneClient(async (client) => {
      const query = async <R extends pg.QueryResultRow>(sql: string, params: readonly SqlValue[] = []) => {
        const { name, text } = this.statement(sql);
        return client.query<R>(timed({ name, text, values: params as SqlValue[] }, this.queryTimeoutMs));
      };
      return work({
        get: async <R>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows[0] as R | undefined,
        all: async <R>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as R[],
        run: async (sql: string, params?: readonly SqlValue[]) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
      });
    });
  }

  async batch(sql: string, paramLists: readonly (readonly SqlValue[])[]): Promise<void> {
    if (paramLists.length === 0) return;
    const { name, text } = this.statement(sql);
    await this.onOneClient(async (client) => {
      for (const values of paramLists) {
        await client.query(timed({ name, text, values: values as SqlValue[] }, this.queryTimeoutMs));
      }
    });
  }

  migrate(migrations: readonly Migration[]): Promise<string[]> {
    return this.onOneClient(async (client) => {
      // A migration may outlast the request timeout, and so may waiting for another process's.
      await client.query('SET LOCAL statement_timeout = 0');
      // Taken before CREATE TABLE IF NOT EXISTS, which itself races when run concurrently.
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
      const { rows } = await client.query<{ id: string }>('SELECT id FROM schema_migrations');
      const done = new Set(rows.map((r) => r.id));
      const applied: string[] = [];
      for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
        if (done.has(m.id)) continue;
        // No parameters: the simple query protocol, which accepts several statements.
        await client.query(migrationSql(m, 'postgres'));
        await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [m.id, new Date().toISOString()]);
        applied.push(m.id);
      }
      return applied;
    });
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  /** Runs `work` between BEGIN and COMMIT on one client, rolling back if it throws. */
  private async onOneClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(classify);
    // A checked-out client has no pool listener: without ours, a dropped connection would crash
    // the process. It also marks the client as not to be reused.
    let broken = false;
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    const control = (text: string) => client.query(timed({ text }, this.queryTimeoutMs));
    try {
      await control('BEGIN');
      const result = await work(client);
      await control('COMMIT');
      return result;
    } catch (err) {
      // A lost or silent connection cannot roll back (the server does, when it notices), and a
      // ROLLBACK queued behind a statement that never answers would wait for ever.
      if (isUnavailable(err)) broken = true;
      // A client whose ROLLBACK fails is in an unknown state.
      else await control('ROLLBACK').catch(onError);
      return classify(err);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}
