import type { Db, SqlValue } from '../store/db.js';
import { DatabaseUnavailableError, isForeignKeyViolation, isUniqueViolation } from '../store/db.js';
import { piiOpener, piiSealer } from '../store/pii-seal.js';
import { openedColumns, sealedColumns } from './sealed-columns.js';
import type { TransferColumn, TransferRow, TransferTable, TransferValue } from './table.js';
import { transferTables } from './tables.js';

/**
 * `regcomp export` / `regcomp import`: a whole store as NDJSON, one JSON object per line.
 *
 *   {"kind":"header","format":"regcomp-export","version":1,"exported_at":"…"}
 *   {"kind":"setting","key":"page_token_secret","value":"…"}
 *   {"kind":"account","sid":"AC…","friendly_name":"…","auth_token_hash":"scrypt$…",…}
 *   {"kind":"api_key","sid":"SK…","account_sid":"AC…",…}
 *   {"kind":"end_user","id":1,"sid":"IT…","account_sid":"AC…","attributes":"{…}",…}
 *   {"kind":"supporting_document","id":1,"sid":"RD…",…,"mime_type":null,…}
 *   {"kind":"supporting_document_file","id":1,"document_sid":"RD…","seq":1,"bytes":"JVBERi0…"}
 *   {"kind":"footer","counts":{"setting":1,"account":1,"api_key":1,"end_user":1}}
 *
 * Each row is its table's stored columns, unchanged (attributes stay the exact stored text;
 * bytes are base64; NULL is null). The footer lets import tell a complete file from one cut short.
 */
export const FORMAT = 'regcomp-export';
export const FORMAT_VERSION = 1;

export type Counts = Record<string, number>;

function emptyCounts(tables: readonly TransferTable[]): Counts {
  return Object.fromEntries(tables.map((t) => [t.kind, 0]));
}

function columnList(table: TransferTable, columns = table.columns.map((c) => c.name)): string {
  return columns.join(', ');
}

function keyColumns(table: TransferTable): readonly string[] {
  return typeof table.key === 'string' ? [table.key] : table.key;
}

/** A row's key as one comparable value (and, for messages, one readable text). */
function keyOf(table: TransferTable, row: Record<string, TransferValue | SqlValue>): string {
  return keyColumns(table)
    .map((c) => String(row[c]))
    .join('/');
}

/** Rows per export read and per import batch for `table`. */
function rowsPer(table: TransferTable, requested: number): number {
  return Math.min(requested, table.rowsPerChunk ?? requested);
}

// ---------------------------------------------------------------------------------------------
// Export

export interface ExportOptions {
  /** Rows per read; each read is one keyset range (`WHERE orderBy > last ORDER BY orderBy LIMIT n`). */
  chunkSize?: number;
  /** Called after each chunk with the rows written so far and the total counted at the start. */
  onProgress?: (rows: number, total: number) => void;
}

/**
 * Writes every table through `write`, a chunk of lines at a time, never holding more than one
 * chunk in memory. `write` should resolve once the text is accepted (stream back-pressure).
 *
 * Not a snapshot: rows written while an export runs may or may not be in it (each row that is
 * in it is whole). Stop writers, or accept that, when moving a live store.
 */
export async function exportStore(db: Db, write: (text: string) => Promise<void>, options: ExportOptions = {}): Promise<Counts> {
  const chunkSize = options.chunkSize ?? 1000;
  const counts = emptyCounts(transferTables);
  let total = 0;
  for (const table of transferTables) {
    const row = await db.get<{ n: number | bigint }>(`SELECT COUNT(*) AS n FROM ${table.table}`);
    total += Number(row?.n ?? 0);
  }
  let written = 0;
  const opener = piiOpener();
  await write(JSON.stringify({ kind: 'header', format: FORMAT, version: FORMAT_VERSION, exported_at: new Date().toISOString() }) + '\n');
  for (const table of transferTables) {
    const columns = columnList(table);
    const chunk = rowsPer(table, chunkSize);
    let bound: SqlValue | undefined;
    for (;;) {
      const rows =
        bound === undefined
          ? await db.all<Record<string, SqlValue>>(`SELECT ${columns} FROM ${table.table} ORDER BY ${table.orderBy} LIMIT ?`, [chunk])
          : await db.all<Record<string, SqlValue>>(
              `SELECT ${columns} FROM ${table.table} WHERE ${table.orderBy} > ? ORDER BY ${table.orderBy} LIMIT ?`,
              [bound, chunk],
            );
      if (rows.length === 0) break;
      await write(rows.map((r) => exportLine(table, openedColumns(table, r, opener))).join(''));
      counts[table.kind]! += rows.length;
      written += rows.length;
      options.onProgress?.(written, Math.max(total, written));
      if (rows.length < chunk) break;
      bound = rows[rows.length - 1]![table.orderBy]!;
    }
  }
  await write(JSON.stringify({ kind: 'footer', counts }) + '\n');
  return counts;
}

function exportLine(table: TransferTable, row: Record<string, SqlValue>): string {
  const out: Record<string, string | number | null> = { kind: table.kind };
  for (const { name, type, nullable } of table.columns) {
    const value = row[name];
    if (value === null && nullable) {
      out[name] = null;
    } else if (type === 'integer') {
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new Error(`${table.table}.${name} ${String(value)} is beyond what the format carries`);
      out[name] = n;
    } else if (type === 'bytes') {
      out[name] = Buffer.from(value as Uint8Array).toString('base64');
    } else {
      out[name] = String(value);
    }
  }
  return JSON.stringify(out) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Import

export type ConflictPolicy = 'fail' | 'skip';

export interface ImportOptions {
  /**
   * What to do with a row whose key (SID) the target already has with different content, or
   * whose preserved id another row already holds: stop (`fail`, the default) or leave the
   * target's row and go on (`skip`). A row identical to the target's is never a conflict: it
   * is counted as already present, so re-running an interrupted import is safe.
   */
  onConflict?: ConflictPolicy;
  /** Give imported rows new ids from the target (in file order, so list order holds). */
  renumber?: boolean;
  /** Rows per `Db.batch` (one transaction). */
  batchSize?: number;
  /** Called after each batch with the lines read so far and the UTF-8 bytes they took. */
  onProgress?: (lines: number, bytes: number) => void;
}

export interface ImportSummary {
  inserted: Counts;
  /** Already in the target exactly as in the input. */
  present: Counts;
  /** Conflicts left as the target has them (`--on-conflict skip`). */
  skipped: Counts;
  /** Settings the target already had with another value, and kept. */
  keptSettings: string[];
}

export class ImportError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ImportError';
  }
}

interface Pending {
  table: TransferTable;
  rows: { row: TransferRow; line: number }[];
}

const byKind = new Map(transferTables.map((t) => [t.kind, t]));

/**
 * Reads an export, line by line, and writes its rows in batches (one transaction each) in the
 * order they come, which is export order: a table's parents first, end users by id.
 * Batches already written stay written when a later line fails; the error says where.
 */
export async function importStore(db: Db, lines: AsyncIterable<string>, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 500;
  const summary: ImportSummary = {
    inserted: emptyCounts(transferTables),
    present: emptyCounts(transferTables),
    skipped: emptyCounts(transferTables),
    keptSettings: [],
  };
  const read = emptyCounts(transferTables);
  let lineNo = 0;
  let bytes = 0;
  let sawHeader = false;
  let footer: Counts | undefined;
  let pending: Pending | undefined;

  const flush = async (): Promise<void> => {
    if (!pending) return;
    const batch = pending;
    pending = undefined;
    await writeBatch(db, batch, options, summary);
    options.onProgress?.(lineNo, bytes);
  };

  for await (const text of lines) {
    lineNo++;
    bytes += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    if (footer) throw new ImportError('there is more after the footer line', lineNo);
    const object = parseObject(text, lineNo);
    if (!sawHeader) {
      checkHeader(object, lineNo);
      sawHeader = true;
      continue;
    }
    if (object.kind === 'footer') {
      await flush();
      footer = checkFooter(object, read, lineNo);
      continue;
    }
    const table = typeof object.kind === 'string' ? byKind.get(object.kind) : undefined;
    if (!table) throw new ImportError(`unknown kind ${JSON.stringify(object.kind)}`, lineNo);
    const row = parseRow(table, object, lineNo);
    read[table.kind]!++;
    if (pending && (pending.table !== table || pending.rows.length >= rowsPer(table, batchSize))) await flush();
    pending ??= { table, rows: [] };
    pending.rows.push({ row, line: lineNo });
  }
  await flush();
  if (!sawHeader) throw new ImportError('the input is empty: no header line');
  if (!footer) {
    throw new ImportError(
      `the input ends at line ${lineNo} without its footer line: it was cut short. ` +
        'Every row up to there was imported; import the complete file again (rows already present are skipped)',
    );
  }
  return summary;
}

function parseObject(text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImportError('not a line of JSON', line);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ImportError('not a JSON object', line);
  return value as Record<string, unknown>;
}

function checkHeader(object: Record<string, unknown>, line: number): void {
  if (object.kind !== 'header' || object.format !== FORMAT) {
    throw new ImportError(`not a regcomp export: the first line must be {"kind":"header","format":"${FORMAT}",…}`, line);
  }
  if (object.version !== FORMAT_VERSION) {
    throw new ImportError(
      `format version ${JSON.stringify(object.version)} is not one this regcomp reads (it reads version ${FORMAT_VERSION})`,
      line,
    );
  }
}

function checkFooter(object: Record<string, unknown>, read: Counts, line: number): Counts {
  const counts = object.counts as Counts | undefined;
  if (!counts || typeof counts !== 'object') throw new ImportError('the footer has no counts', line);
  for (const kind of new Set([...Object.keys(read), ...Object.keys(counts)])) {
    if (counts[kind] !== read[kind]) {
      throw new ImportError(`the footer counts ${String(counts[kind])} ${kind} lines, the input has ${String(read[kind] ?? 0)}`, line);
    }
  }
  return counts;
}

function parseRow(table: TransferTable, object: Record<string, unknown>, line: number): TransferRow {
  const row: TransferRow = {};
  for (const column of table.columns) row[column.name] = parseValue(table, column, object[column.name], line);
  const extra = Object.keys(object).find((k) => k !== 'kind' && !table.columns.some((c) => c.name === k));
  if (extra !== undefined) throw new ImportError(`${table.kind} has an unknown field ${JSON.stringify(extra)}`, line);
  const problem = table.validate?.(row);
  if (problem) throw new ImportError(`${table.kind}: ${problem}`, line);
  return row;
}

function parseValue(table: TransferTable, { name, type, nullable }: TransferColumn, value: unknown, line: number): TransferValue {
  if (value === null && nullable) return null;
  if (type === 'integer') {
    // Row keys start at 1; counts, flags and times (attempts, is_test, due ms) at 0.
    const min = name === table.identity ? 1 : 0;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new ImportError(`${table.kind}.${name} must be a whole number from ${min}`, line);
    }
    return value;
  }
  if (typeof value !== 'string') throw new ImportError(`${table.kind}.${name} must be a string`, line);
  if (type === 'bytes') {
    const bytes = Buffer.from(value, 'base64');
    // Only canonical base64 (what export writes) round-trips to the same text.
    if (bytes.toString('base64') !== value) throw new ImportError(`${table.kind}.${name} must be base64`, line);
    return bytes;
  }
  if (value.includes('\u0000')) throw new ImportError(`${table.kind}.${name} must not contain NUL characters`, line);
  return value;
}

function sameValue(type: TransferColumn['type'], theirs: SqlValue | TransferValue | undefined, ours: TransferValue | undefined): boolean {
  if (theirs === null || ours === null || theirs === undefined || ours === undefined) return theirs === ours;
  if (type === 'integer') return Number(theirs) === ours;
  if (type === 'bytes') return Buffer.from(theirs as Uint8Array).equals(ours as Uint8Array);
  return theirs === ours;
}

/** The first column (in file order) whose value differs, or undefined when the rows are alike. */
function difference(table: TransferTable, row: TransferRow, other: Record<string, SqlValue | TransferValue>, withIdentity: boolean): string | undefined {
  for (const { name, type } of table.columns) {
    if (name === table.identity && !withIdentity) continue;
    if (!sameValue(type, other[name], row[name])) return name;
  }
  return undefined;
}

async function writeBatch(db: Db, batch: Pending, options: ImportOptions, summary: ImportSummary): Promise<void> {
  const { table, rows } = batch;
  const { kind, identity } = table;
  const keys = keyColumns(table);
  const preserve = identity !== undefined && !options.renumber;
  const first = rows[0]!.line;
  const last = rows[rows.length - 1]!.line;
  const names = table.columns.map((c) => c.name);

  // What the target already has under these keys (and, when ids are kept, these ids).
  const marks = rows.map(() => '?').join(', ');
  const params: SqlValue[] = rows.flatMap((r) => keys.map((k) => r.row[k]!));
  let where =
    keys.length === 1 ? `${keys[0]} IN (${marks})` : rows.map(() => `(${keys.map((k) => `${k} = ?`).join(' AND ')})`).join(' OR ');
  if (preserve) {
    where += ` OR ${identity} IN (${marks})`;
    params.push(...rows.map((r) => r.row[identity]!));
  }
  const sealer = piiSealer(db.dialect);
  const stored = await db.all<Record<string, SqlValue>>(`SELECT ${columnList(table)} FROM ${table.table} WHERE ${where}`, params);
  const existing = stored.map((e) => openedColumns(table, e, sealer));
  const byKey = new Map<string, Record<string, SqlValue | TransferValue>>(existing.map((e) => [keyOf(table, e), e]));
  const byId = new Map<number, Record<string, SqlValue | TransferValue>>(preserve ? existing.map((e) => [Number(e[identity]), e]) : []);

  const conflict = (line: number, message: string): void => {
    if (options.onConflict === 'skip') {
      summary.skipped[kind]!++;
      return;
    }
    throw new ImportError(
      `${message}. Stopped here: rows before line ${first} were imported, none from it on. ` +
        'Use --on-conflict skip to keep the target’s rows and import the rest',
      line,
    );
  };

  const insert: TransferRow[] = [];
  for (const { row, line } of rows) {
    const sid = keyOf(table, row);
    const same = byKey.get(sid);
    if (same) {
      const column = difference(table, row, same, preserve);
      if (column === undefined) summary.present[kind]!++;
      else if (table.keepExisting) summary.keptSettings.push(String(sid));
      else conflict(line, `the target already has ${kind} ${sid} with a different ${column}`);
      continue;
    }
    if (preserve) {
      const holder = byId.get(row[identity]! as number);
      if (holder) {
        conflict(
          line,
          `${kind} ${sid} has ${identity} ${String(row[identity])}, which the target's ${kind} ${keyOf(table, holder)} already has ` +
            '(--renumber gives imported rows new ids instead)',
        );
        continue;
      }
    }
    insert.push(row);
    // A key or id repeated later in this same batch meets this row as if it were in the target.
    byKey.set(sid, row);
    if (preserve) byId.set(row[identity]! as number, row);
  }
  if (insert.length === 0) return;

  const columns = preserve ? names : names.filter((n) => n !== identity);
  const overriding = preserve && db.dialect === 'postgres' ? ' OVERRIDING SYSTEM VALUE' : '';
  const tolerant = options.onConflict === 'skip' || table.keepExisting ? ' ON CONFLICT DO NOTHING' : '';
  const sql =
    `INSERT INTO ${table.table} (${columnList(table, columns)})${overriding} ` +
    `VALUES (${columns.map(() => '?').join(', ')})${tolerant}`;
  try {
    await db.batch(
      sql,
      insert.map((row) => sealedColumns(table, row, sealer)).map((row) => columns.map((c) => row[c] ?? null)),
    );
  } catch (err) {
    if (err instanceof DatabaseUnavailableError) throw err;
    const why = (err as Error).message;
    if (isForeignKeyViolation(err)) {
      throw new ImportError(
        `a ${kind} in lines ${first}–${last} belongs to a row that is neither in the target nor earlier in the input (${why}); none of these lines were imported`,
      );
    }
    if (isUniqueViolation(err)) {
      throw new ImportError(
        `a ${kind} in lines ${first}–${last} was written to the target by someone else during the import (${why}); none of these lines were imported. Run the import again`,
      );
    }
    throw err;
  }
  summary.inserted[kind]! += insert.length;
  if (preserve && db.dialect === 'postgres') {
    // Rows inserted with their own ids leave the identity sequence behind: move it past them
    // (never back), so the next end user created gets a higher id than any imported one.
    const seq = `pg_get_serial_sequence('${table.table}', '${identity}')`;
    await db.get(
      `SELECT setval(${seq}, GREATEST((SELECT COALESCE(MAX(${identity}), 0) FROM ${table.table}), ` +
        `COALESCE(pg_sequence_last_value(${seq}::regclass), 0), 1))`,
    );
  }
}
