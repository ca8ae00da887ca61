import { Worker } from 'node:worker_threads';
import type { GroupCommit } from './sqlite-group-commit.js';

export interface CheckpointWorkerData {
  file: string;
  idleIntervalMs: number;
}

/** What the worker reports after each checkpoint: WAL frames, and how many are in the database. */
export type CheckpointReport = { log: number; checkpointed: number } | { error: string };

/** Past this many WAL frames (64 MiB of 4 KiB pages), writes wait for the checkpoint to catch up. */
const MAX_WAL_FRAMES = 16_384;
/** Writes are never held longer than this, whatever keeps the checkpoint from finishing. */
const MAX_HOLD_MS = 1_000;

/**
 * Checkpoints in a worker thread, so the server's connection runs with wal_autocheckpoint off.
 *
 * SQLite can restart the WAL from its beginning only when a checkpoint has copied all of it
 * and no write is under way. Under a steady stream of writes a background checkpoint never
 * quite catches up, so the WAL would grow without bound; past MAX_WAL_FRAMES the writes are
 * held for one checkpoint round (reads go on), and the first write after it restarts the WAL.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private holdTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    file: string,
    private readonly writes: GroupCommit,
    /** Called when the worker cannot go on: the connection takes checkpoints back. */
    private readonly onFailure: (reason: string) => void,
  ) {
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
    if (this.holdTimer === undefined && log > MAX_WAL_FRAMES) {
      this.writes.hold();
      this.holdTimer = setTimeout(() => this.release(), MAX_HOLD_MS);
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
