import type { KeysetQuery } from '../twilio/paging.js';
import type { Db, SqlValue } from './db.js';

/** A table listed within a scope, e.g. `(account_sid)` or `(account_sid, bundle_sid)`. */
export interface KeysetTable {
  table: string;
  /** The index on (...scope, [sort,] id) that serves every page. */
  index: string;
  scope: readonly string[];
  /** A NOT NULL column the list is sorted on before `id` (ties broken by id); else `id` alone. */
  sort?: string;
}

/** Extra conditions of a filtered list, ANDed to the page query (they filter the index scan). */
export interface PageFilter {
  sql: string;
  params: readonly SqlValue[];
}

export interface PageOptions {
  /** The list's own order; a "previous" page reads against it. Default ascending. */
  order?: 'asc' | 'desc';
  filter?: PageFilter;
  /** Values for the `?` placeholders in the columns (a page's URL prefix): bound before all others. */
  columnParams?: readonly SqlValue[];
}

// Larger than any row key either backend hands out.
const MAX_KEY = Number.MAX_SAFE_INTEGER;

/**
 * SQLite marks a statement for re-preparation whenever the parameter of a bare `LIMIT ?` is
 * bound (its plan may depend on the value), so every page parsed and planned its query again
 * (~6 % of a page's CPU under load). An expression is not planned on: prepared once.
 */
function limitClause(dialect: Db['dialect']): string {
  return dialect === 'sqlite' ? 'LIMIT CAST(? AS INTEGER)' : 'LIMIT ?';
}

/**
 * The index-pinned page query, once for every list: a single range scan of the scope's index,
 * at any depth. Left to themselves, both planners may instead walk the primary key and filter
 * by scope (for a small account in a big table: a scan of most later rows). SQLite is told the
 * index (INDEXED BY) and seeks on `scope = ? AND id > ?`. PostgreSQL, once it settles on a
 * generic plan for the prepared statement, would take the primary key for that form; bounds on
 * the row value (...scope, id) can only be index conditions of the scope index.
 * Tested by list-plans.test for every registered list, on both backends.
 */
export class KeysetPages<T> {
  private readonly statements = new Map<string, string>();

  constructor(
    private readonly db: Db,
    readonly spec: KeysetTable,
    private readonly columns: string,
  ) {}

  /** One slice of the scope's rows in list order (a previous page's slice in reverse). */
  read(scopeValues: readonly SqlValue[], query: KeysetQuery, { order = 'asc', filter, columnParams = [] }: PageOptions = {}): Promise<T[]> {
    if (scopeValues.length !== this.spec.scope.length) throw new Error(`${this.spec.table}: scope needs ${this.spec.scope.length} values`);
    // Rows after the bound in ascending (sort, id) order, or before it in descending order.
    const up = (order === 'asc') !== query.descending;
    const bounded = query.bound !== undefined;
    const sql = this.sql(up, bounded, filter?.sql);
    const extra = filter?.params ?? [];
    if (this.spec.sort === undefined) {
      const edge = query.bound ?? (up ? 0 : MAX_KEY);
      const params = this.db.dialect === 'postgres' ? [...scopeValues, edge, ...scopeValues] : [...scopeValues, edge];
      return this.db.all<T>(sql, [...columnParams, ...params, ...extra, query.limit]);
    }
    const bound = bounded ? (this.db.dialect === 'postgres' ? [...scopeValues, query.sortBound ?? '', query.bound!] : [query.sortBound ?? '', query.bound!]) : [];
    return this.db.all<T>(sql, [...columnParams, ...scopeValues, ...bound, ...extra, query.limit]);
  }

  private sql(up: boolean, bounded: boolean, filter: string | undefined): string {
    const id = `${up}:${bounded}:${filter ?? ''}`;
    let sql = this.statements.get(id);
    if (sql === undefined) {
      sql = this.spec.sort === undefined ? this.byId(up, filter) : this.bySort(this.spec.sort, up, bounded, filter);
      this.statements.set(id, sql);
    }
    return sql;
  }

  private byId(up: boolean, filter: string | undefined): string {
    const { table, index, scope } = this.spec;
    const and = filter === undefined ? '' : ` AND (${filter})`;
    if (this.db.dialect === 'postgres') {
      const row = `(${[...scope, 'id'].join(', ')})`;
      const holes = (last: string) => `(${[...scope.map(() => '?'), last].join(', ')})`;
      const order = [...scope, 'id'].map((c) => `${c} ${up ? 'ASC' : 'DESC'}`).join(', ');
      return up
        ? `SELECT ${this.columns} FROM ${table} WHERE ${row} > ${holes('?')} AND ${row} < ${holes(String(MAX_KEY))}${and} ORDER BY ${order} LIMIT ?`
        : `SELECT ${this.columns} FROM ${table} WHERE ${row} < ${holes('?')} AND ${row} > ${holes('0')}${and} ORDER BY ${order} LIMIT ?`;
    }
    const equal = scope.map((c) => `${c} = ?`).join(' AND ');
    return `SELECT ${this.columns} FROM ${table} INDEXED BY ${index} WHERE ${equal} AND id ${up ? '>' : '<'} ?${and} ORDER BY id${up ? '' : ' DESC'} ${limitClause('sqlite')}`;
  }

  /** Sorted on a column: the scope's equality, then (sort, id) beyond the bound. */
  private bySort(sort: string, up: boolean, bounded: boolean, filter: string | undefined): string {
    const { table, index, scope } = this.spec;
    const equal = scope.map((c) => `${c} = ?`).join(' AND ');
    const direction = up ? 'ASC' : 'DESC';
    const beyond = !bounded
      ? ''
      : this.db.dialect === 'postgres'
        ? ` AND (${[...scope, sort, 'id'].join(', ')}) ${up ? '>' : '<'} (${[...scope, sort, 'id'].map(() => '?').join(', ')})`
        : ` AND (${sort}, id) ${up ? '>' : '<'} (?, ?)`;
    const and = filter === undefined ? '' : ` AND (${filter})`;
    const from = this.db.dialect === 'postgres' ? table : `${table} INDEXED BY ${index}`;
    const order = [...(this.db.dialect === 'postgres' ? scope : []), sort, 'id'].map((c) => `${c} ${direction}`).join(', ');
    return `SELECT ${this.columns} FROM ${from} WHERE ${equal}${beyond}${and} ORDER BY ${order} ${limitClause(this.db.dialect)}`;
  }
}
