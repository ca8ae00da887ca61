import type { Db } from '../store/db.js';

const CLOCK_KEY = 'deterministic_clock_ms';

/**
 * A frozen clock that moves only when told (the control API's /regcomp/Clock). Its time is
 * kept in the store, so a restart on the same store goes on from where the last run stopped.
 */
export class ManualClock {
  private constructor(
    private readonly db: Db,
    private ms: number,
  ) {}

  static async resume(db: Db, startMs: number): Promise<ManualClock> {
    const row = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [CLOCK_KEY]);
    return new ManualClock(db, row ? Number(row.value) : startMs);
  }

  readonly now = (): number => this.ms;

  async set(ms: number): Promise<void> {
    this.ms = ms;
    await this.db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [CLOCK_KEY, String(ms)]);
  }
}

/** Guards against work that never stops being due (each pass runs at most one batch per kind). */
const MAX_PASSES = 10_000;

/**
 * Moves the clock forward to `targetMs` the way time would pass: to each moment something is
 * scheduled (a review step, a callback retry) in turn, running what is due there before going
 * on, so one big step still takes a bundle through in-review to its decision.
 */
export async function moveClock(clock: ManualClock, targetMs: number, db: Db, runDue: () => Promise<void>): Promise<void> {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = await nextDueMs(db);
    if (next === undefined || next > targetMs) break;
    if (next > clock.now()) await clock.set(next);
    await runDue();
  }
  await clock.set(targetMs);
  await runDue();
}

/** The earliest scheduled moment of the review lifecycle and the callback outbox, if any. */
async function nextDueMs(db: Db): Promise<number | undefined> {
  const row = await db.get<{ review: number | string | null; callback: number | string | null }>(
    `SELECT (SELECT MIN(review_due_ms) FROM bundles WHERE review_due_ms > 0) AS review,
            (SELECT MIN(next_attempt_ms) FROM status_callbacks WHERE state = 'pending') AS callback`,
  );
  const moments = [row?.review, row?.callback].filter((v) => v !== null && v !== undefined).map(Number);
  return moments.length === 0 ? undefined : Math.min(...moments);
}
