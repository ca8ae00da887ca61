import type { SqlValue } from '../store/db.js';
import type { PiiSealer } from '../store/pii-seal.js';
import type { TransferRow, TransferTable, TransferValue } from './table.js';

/**
 * Sealed columns (pii-seal.ts) travel in clear: an export opens them, so its file loads into
 * any store under any key; an import seals them as the target store does (PostgreSQL).
 * The file is then personal data in clear: keep it as such.
 */
export function openedColumns<R extends Record<string, SqlValue | TransferValue>>(table: TransferTable, row: R, sealer: PiiSealer): R {
  return mapSealed(table, row, (text) => sealer.open(text), (bytes) => sealer.openBytes(bytes));
}

export function sealedColumns(table: TransferTable, row: TransferRow, sealer: PiiSealer): TransferRow {
  return mapSealed(table, row, (text) => sealer.seal(text), (bytes) => sealer.sealBytes(bytes));
}

function mapSealed<R extends Record<string, SqlValue | TransferValue>>(
  table: TransferTable,
  row: R,
  text: (value: string) => string,
  bytes: (value: Buffer) => Buffer,
): R {
  const sealed = table.columns.filter((c) => c.sealed);
  if (sealed.length === 0) return row;
  const out: Record<string, SqlValue | TransferValue> = { ...row };
  for (const { name } of sealed) {
    const value = out[name];
    if (typeof value === 'string') out[name] = text(value);
    else if (value instanceof Uint8Array) out[name] = bytes(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return out as R;
}
