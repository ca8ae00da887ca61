import type { DeterministicConfig } from '../config.js';
import { ConfigError } from '../config.js';
import type { Db } from '../store/db.js';
import { ManualClock } from './clock.js';
import { useSeededBytes } from './entropy.js';
import { SeededStream, seededKey } from './seeded.js';

/** One deterministic run of an app on a store: its number there, its clock, its keys. */
export interface DeterministicRun {
  /** 1 on a fresh store; each start on the same store is the next. */
  run: number;
  clock: ManualClock;
  pageTokenSecret: Buffer;
  /** Puts the CSPRNG back behind newSid (the app closes). */
  stop(): void;
}

/**
 * Starts a deterministic run: SIDs (and generated auth tokens) from a stream seeded by the seed
 * and the run's number, page tokens under a key derived from the seed, the clock resumed.
 * A store a server has already served outside deterministic mode is refused: that is how a
 * shared deployment's store looks, and the seed would make its new SIDs and tokens guessable.
 */
export async function startDeterministicRun(db: Db, config: DeterministicConfig): Promise<DeterministicRun> {
  if (await db.get('SELECT 1 AS served FROM settings WHERE key = ?', ['page_token_secret'])) {
    throw new ConfigError('DETERMINISTIC_SEED is set, but a server has already run on this store without it: deterministic runs need a store of their own (a fresh DATABASE_URL)');
  }
  const row = await db.get<{ value: string }>(
    `INSERT INTO settings (key, value) VALUES ('deterministic_runs', '1')
     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT) RETURNING value`,
  );
  const run = Number(row!.value);
  const clock = await ManualClock.resume(db, config.startMs);
  const stream = new SeededStream(config.seed, 'sids', run);
  const draw = (n: number) => stream.next(n);
  useSeededBytes(draw);
  return { run, clock, pageTokenSecret: seededKey(config.seed, 'page-tokens'), stop: () => useSeededBytes(undefined) };
}
