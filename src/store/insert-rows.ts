import type { Db, SqlValue } from './db.js';

/**
 * Inserts `rows` with multi-row `INSERT … VALUES (…), (…)` statements, `perStatement` rows
 * each, `perTransaction` rows per `Db.batch` call: one round trip per statement rather than
 * per row, which is what makes bulk loads into PostgreSQL fast.
 */
export async function insertRows(
  db: Db,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  perStatement: number,
  perTransaction: number,
): Promise<void> {
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const sqlFor = (n: number) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: n }, () => placeholders).join(', ')}`;
  for (let start = 0; start < rows.length; start += perTransaction) {
    const chunk = rows.slice(start, start + perTransaction);
    const full = Math.floor(chunk.length / perStatement);
    if (full > 0) {
      const lists: SqlValue[][] = [];
      for (let s = 0; s < full; s++) lists.push(chunk.slice(s * perStatement, (s + 1) * perStatement).flat());
      await db.batch(sqlFor(perStatement), lists);
    }
    const rest = chunk.slice(full * perStatement);
    if (rest.length > 0) await db.batch(sqlFor(rest.length), [rest.flat()]);
  }
}
