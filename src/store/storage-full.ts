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

/** After a write failed for want of space, /readyz says so for at least this long. */
const HOLD_MS = 5000;

/**
 * Whether writes have been failing for want of space. Set by each such failure; cleared by the
 * first write that succeeds again, which only `/readyz` tries, and only once HOLD_MS have
 * passed since the last failure: a failed big write frees what it had taken (SQLite reuses
 * the WAL space of a rolled-back transaction), so at once a tiny write might pass while the
 * next real one fails again. The probe rewrites one small settings row with a new value (an
 * identical rewrite, SQLite would skip). A store that is not full costs nothing here.
 */
export class StorageHealth {
  private fullAt: number | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  markFull(): void {
    this.fullAt = this.clock();
  }

  /** False while writes fail for want of space (or did within HOLD_MS). */
  async writable(db: Db): Promise<boolean> {
    if (this.fullAt === undefined) return true;
    if (this.clock() - this.fullAt < HOLD_MS) return false;
    try {
      await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        'storage_probe',
        randomBytes(8).toString('hex'),
      ]);
      this.fullAt = undefined;
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      this.markFull();
    }
    return this.fullAt === undefined;
  }
}
