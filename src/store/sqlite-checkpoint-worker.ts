import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointReport, CheckpointWorkerData } from './sqlite-checkpointer.js';

/**
 * The checkpointer's thread: copies committed pages from the WAL into the database file (and
 * fsyncs it) on its own connection, so the event loop never waits for that disk work.
 * PASSIVE never blocks writers or readers; it goes round again at once while it is behind.
 */
const { file, idleIntervalMs } = workerData as CheckpointWorkerData;
const db = new Database(file);
db.pragma('busy_timeout = 1000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let timer: NodeJS.Timeout | undefined;

function round(): void {
  let behind = false;
  try {
    const { log, checkpointed } = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    parentPort!.postMessage({ log, checkpointed } satisfies CheckpointReport);
    behind = checkpointed < log;
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.message ?? err) } satisfies CheckpointReport);
  }
  timer = setTimeout(round, behind ? 0 : idleIntervalMs);
}

parentPort!.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearTimeout(timer);
  db.close();
  parentPort!.close();
});
round();
