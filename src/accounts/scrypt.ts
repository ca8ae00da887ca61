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

/**
 * scrypt on one dedicated thread rather than on libuv's pool. Each scrypt takes 16 MiB; on
 * the pool, every thread that ever ran one keeps that much in its own malloc arena for good
 * (about 64 MiB of resident memory for nothing), and a flood of bad credentials would also
 * queue ahead of file I/O there. One thread keeps one buffer and leaves the pool alone.
 */
class ScryptThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(key: Buffer): void; reject(err: Error): void }>();

  derive(secret: string, salt: Uint8Array, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Only pending work keeps the process alive: a CLI command ends when its hashing does.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, secret, salt, keyBytes, options } satisfies ScryptJob);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./scrypt-thread.js', import.meta.url));
    worker.unref();
    worker.on('message', (outcome: ScryptOutcome) => this.settle(outcome));
    worker.on('error', (err) => this.failAll(worker, err));
    worker.on('exit', () => this.failAll(worker, new Error('scrypt thread exited')));
    this.worker = worker;
    return worker;
  }

  private settle(outcome: ScryptOutcome): void {
    const job = this.pending.get(outcome.id);
    if (!job) return;
    this.pending.delete(outcome.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('key' in outcome) job.resolve(Buffer.from(outcome.key));
    else job.reject(new Error(outcome.error));
  }

  /** The thread died: fail what it held, and start a new one for the next job. */
  private failAll(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
  }
}

const thread = new ScryptThread();

export function scrypt(secret: string, salt: Uint8Array, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return thread.derive(secret, salt, keyBytes, options);
}
