import type { ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface ScryptJob {
  id: number;
  secret: string;
  salt: Uint8Array;
  keyBytes: number;
  options: ScryptOptions;
}

export type ScryptOutcome = { id: number; key: Uint8Array } | { id: number; error: string };

/** A check whose requester has gone before it ran: dropped, never computed. */
export class ScryptAbandonedError extends Error {
  constructor() {
    super('scrypt job abandoned');
    this.name = 'ScryptAbandonedError';
  }
}

interface QueuedJob {
  job: ScryptJob;
  abandoned: (() => boolean) | undefined;
  resolve(key: Buffer): void;
  reject(err: Error): void;
}

/**
 * scrypt on one dedicated thread rather than on libuv's pool. Each scrypt takes 16 MiB; on
 * the pool, every thread that ever ran one keeps that much in its own malloc arena for good
 * (about 64 MiB of resident memory for nothing), and a flood of bad credentials would also
 * queue ahead of file I/O there. One thread keeps one buffer and leaves the pool alone.
 * Jobs wait here, not in the thread's message queue, one at a time, so that a job whose
 * requester has gone meanwhile is dropped instead of computed.
 */
class ScryptThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly queue: QueuedJob[] = [];
  private running: QueuedJob | undefined;

  derive(secret: string, salt: Uint8Array, keyBytes: number, options: ScryptOptions, abandoned?: () => boolean): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, secret, salt, keyBytes, options }, abandoned, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (!this.running) {
      const next = this.queue.shift();
      if (!next) {
        // Only pending work keeps the process alive: a CLI command ends when its hashing does.
        this.worker?.unref();
        return;
      }
      if (next.abandoned?.()) {
        next.reject(new ScryptAbandonedError());
        continue;
      }
      const worker = this.start();
      this.running = next;
      worker.ref();
      worker.postMessage(next.job);
    }
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./scrypt-thread.js', import.meta.url));
    worker.unref();
    worker.on('message', (outcome: ScryptOutcome) => this.settle(outcome));
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', () => this.fail(worker, new Error('scrypt thread exited')));
    this.worker = worker;
    return worker;
  }

  private settle(outcome: ScryptOutcome): void {
    const job = this.running;
    if (!job || job.job.id !== outcome.id) return;
    this.running = undefined;
    if ('key' in outcome) job.resolve(Buffer.from(outcome.key));
    else job.reject(new Error(outcome.error));
    this.pump();
  }

  /** The thread died: fail the job it held, and start a new one for the next job. */
  private fail(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const job = this.running;
    this.running = undefined;
    job?.reject(err);
    this.pump();
  }
}

const thread = new ScryptThread();

export function scrypt(secret: string, salt: Uint8Array, keyBytes: number, options: ScryptOptions, abandoned?: () => boolean): Promise<Buffer> {
  return thread.derive(secret, salt, keyBytes, options, abandoned);
}
