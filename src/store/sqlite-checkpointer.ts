import { Worker } from 'node:worker_threads';
import type { GroupCommit } from './sqlite-group-commit.js';

export interface CheckpointWorkerData {
  file: string;
  idleIntervalMs: number;
}

/** What the worker reports after each checkpoint: WAL frames, and how many are in the database. */
export type CheckpointReport = { log: number; checkpointed: number } | { error: string };

export interface WalLimits {
  /** Past this many WAL frames, writes wait for the checkpoint to catch up (default 64 MiB of 4 KiB pages). */
  maxFrames?: number;
  /** Writes are never held longer than this, whatever keeps the checkpoint from finishing. */
  maxHoldMs?: number;
}

/**
 * Checkpoints in a worker thread, so the server's connection runs with wal_autocheckpoint off.
 *
 * SQLite can restart the WAL from its beginning only when a checkpoint has copied all of it
 * and no write is under way. Under a steady stream of writes a background checkpoint never
 * quite catches up, so the WAL would grow without bound; past MAX_WAL_FRAMES the writes are
 * held for one checkpoint round (reads go on), and the first write after it restarts the WAL.
 * When a hold times out (a reader in another process — a long export, say — keeps the
 * checkpoint from finishing), writes are not held again until the WAL is back under the limit:
 * a stuck checkpoint costs one pause, not a pause a second.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private holdTimer: NodeJS.Timeout | undefined;
  /** A hold timed out: no new hold until the WAL is back under the limit. */
  private gaveUp = false;
  private stopped = false;
  private readonly maxFrames: number;
  private readonly maxHoldMs: number;

  constructor(
    file: string,
    private readonly writes: GroupCommit,
    /** Called when the worker cannot go on: the connection takes checkpoints back. */
    private readonly onFailure: (reason: string) => void,
    limits: WalLimits = {},
  ) {
    this.maxFrames = limits.maxFrames ?? 16_384;
    this.maxHoldMs = limits.maxHoldMs ?? 1_000;
    const workerData: CheckpointWorkerData = { file, idleIntervalMs: 50 };
    this.worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url), { workerData });
    // Never what keeps a process alive: close() ends it, and an exiting process takes it along.
    this.worker.unref();
    this.worker.on('message', (report: CheckpointReport) => this.onReport(report));
    this.worker.on('error', (err) => this.fail(err.message));
    this.worker.on('exit', () => this.fail('checkpoint worker exited'));
  }

  private onReport(report: CheckpointReport): void {
    if ('error' in report) return this.fail(report.error);
    const { log, checkpointed } = report;
    if (log <= this.maxFrames) this.gaveUp = false;
    if (this.holdTimer === undefined && !this.gaveUp && log > this.maxFrames) {
      this.writes.hold();
      this.holdTimer = setTimeout(() => {
        this.gaveUp = true;
        this.release();
      }, this.maxHoldMs);
      this.holdTimer.unref();
    } else if (this.holdTimer !== undefined && checkpointed >= log) {
      this.release();
    }
  }

  private release(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.writes.release();
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.release();
    this.onFailure(reason);
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.release();
    // Referenced again while it winds down: a close() that is awaited keeps the process alive.
    this.worker.ref();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 2_000)));
    if ((await Promise.race([exited, timeout])) === 'timeout') await this.worker.terminate();
    clearTimeout(timer);
  }
}
