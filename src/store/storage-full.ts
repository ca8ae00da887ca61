import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';

/**
 * A full disk (or a failing one) is the store's trouble, not the request's: it answers 503
 * 20503 with Retry-After like any other outage, /readyz reports it, and reads go on.
 *
 * SQLite: SQLITE_FULL, and the SQLITE_IOERR family (a write that could not extend a file);
 * Node: ENOSPC; PostgreSQL: 53100 disk_full.
 */
const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', '53100']);

export function isStorageFull(err: unknown): boolean {
  // Some layers wrap the driver's error: look a few causes down.
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (FULL_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) return true;
  }
  return false;
}

/**
 * Whether writes have been failing for want of space. Set by the first such failure; cleared
 * by the first write that succeeds again, which only `/readyz` tries (it rewrites one small
 * settings row with a new value: an identical rewrite, SQLite would skip), so a store that is
 * not full costs nothing here.
 */
export class StorageHealth {
  private full = false;

  markFull(): void {
    this.full = true;
  }

  /** False while writes still fail for want of space; re-checked with one tiny write. */
  async writable(db: Db): Promise<boolean> {
    if (!this.full) return true;
    try {
      await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        'storage_probe',
        randomBytes(8).toString('hex'),
      ]);
      this.full = false;
    } catch (err) {
      if (!isStorageFull(err)) throw err;
    }
    return !this.full;
  }
}
