import type { KeysetQuery } from '../twilio/paging.js';
import type { Db, SqlValue } from './db.js';

/** A table listed in `id` order within a scope, e.g. `(account_sid)` or `(account_sid, bundle_sid)`. */
export interface KeysetTable {
  table: string;
  /** The index on (...scope, id) that serves every page. */
  index: string;
  scope: readonly string[];
}

// Larger than any row key either backend hands out.
const MAX_KEY = Number.MAX_SAFE_INTEGER;

/**
 * The index-pinned page query, once for every list: a single range scan of the (...scope, id)
 * index, at any depth. Left to themselves, both planners may instead walk the primary key and
 * filter by scope (for a small account in a big table: a scan of most later rows). SQLite is
 * told the index (INDEXED BY) and seeks on `scope = ? AND id > ?`. PostgreSQL, once it settles
 * on a generic plan for the prepared statement, would take the primary key for that form;
 * bounds on the row value (...scope, id) can only be index conditions of the scope index.
 * Tested by list-plans.test for every registered list, on both backends.
 */
export class KeysetPages<T> {
  private readonly ascending: string;
  private readonly descending: string;

  constructor(
    private readonly db: Db,
    readonly spec: KeysetTable,
    columns: string,
  ) {
    const { table, index, scope } = spec;
    if (db.dialect === 'postgres') {
      const row = `(${[...scope, 'id'].join(', ')})`;
      const holes = (last: string) => `(${[...scope.map(() => '?'), last].join(', ')})`;
      const order = (direction: string) => [...scope, 'id'].map((c) => `${c} ${direction}`).join(', ');
      this.ascending = `SELECT ${columns} FROM ${table} WHERE ${row} > ${holes('?')} AND ${row} < ${holes(String(MAX_KEY))} ORDER BY ${order('ASC')} LIMIT ?`;
      this.descending = `SELECT ${columns} FROM ${table} WHERE ${row} < ${holes('?')} AND ${row} > ${holes('0')} ORDER BY ${order('DESC')} LIMIT ?`;
    } else {
      const equal = scope.map((c) => `${c} = ?`).join(' AND ');
      this.ascending = `SELECT ${columns} FROM ${table} INDEXED BY ${index} WHERE ${equal} AND id > ? ORDER BY id LIMIT ?`;
      this.descending = `SELECT ${columns} FROM ${table} INDEXED BY ${index} WHERE ${equal} AND id < ? ORDER BY id DESC LIMIT ?`;
    }
  }

  /** One slice of the scope's rows, in id order (descending slices in descending order). */
  read(scopeValues: readonly SqlValue[], { bound, descending, limit }: KeysetQuery): Promise<T[]> {
    if (scopeValues.length !== this.spec.scope.length) throw new Error(`${this.spec.table}: scope needs ${this.spec.scope.length} values`);
    const edge = bound ?? (descending ? MAX_KEY : 0);
    const params =
      this.db.dialect === 'postgres' ? [...scopeValues, edge, ...scopeValues, limit] : [...scopeValues, edge, limit];
    return this.db.all<T>(descending ? this.descending : this.ascending, params);
  }
}
