/**
 * How one table travels through `regcomp export` / `regcomp import`: the NDJSON `kind` its
 * rows carry, its columns, the natural key that recognises a row in another store, and the
 * unique column export reads it in order of (keyset chunks).
 */
export interface TransferColumn {
  name: string;
  /** `bytes` (BLOB/BYTEA) travels as base64 text. */
  type: 'text' | 'integer' | 'bytes';
  /** NULL travels as JSON null; without this, a column is NOT NULL. */
  nullable?: boolean;
  /** Stored sealed on PostgreSQL (pii-seal.ts); travels in clear (sealed-columns.ts). */
  sealed?: boolean;
}

export type TransferValue = string | number | Uint8Array | null;

export type TransferRow = Record<string, TransferValue>;

export interface TransferTable {
  /** The `kind` of its NDJSON lines, e.g. "end_user". */
  kind: string;
  table: string;
  /** Written in this order. */
  columns: readonly TransferColumn[];
  /** Unique column(s) that identify a row across stores: a SID, or e.g. (document_sid, seq). */
  key: string | readonly string[];
  /** Unique, indexed column that export pages through in order; import keeps this order. */
  orderBy: string;
  /**
   * An auto-assigned row key (list order, page-token bound) that import keeps as exported,
   * unless told to renumber.
   */
  identity?: string;
  /** A row whose key the target already has is left as the target has it, never a conflict. */
  keepExisting?: boolean;
  /** At most this many rows per export read and per import batch (for tables of big rows). */
  rowsPerChunk?: number;
  /** A problem with a row read from a file, or undefined when it is fine to insert. */
  validate?(row: TransferRow): string | undefined;
}

const TWILIO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Checks shared by most tables: the key's SID shape and Twilio-format dates. */
export function checkSid(row: TransferRow, column: string, prefix: string): string | undefined {
  const value = row[column];
  return typeof value === 'string' && value.length === 34 && value.startsWith(prefix) && /^[0-9a-fA-F]{32}$/.test(value.slice(2))
    ? undefined
    : `${column} must be ${prefix} followed by 32 hex digits`;
}

export function checkDates(row: TransferRow, ...columns: string[]): string | undefined {
  for (const column of columns) {
    if (!TWILIO_DATE.test(String(row[column]))) return `${column} must be a date like 2024-01-31T12:00:00Z`;
  }
  return undefined;
}
