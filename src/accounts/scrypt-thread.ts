import { parentPort } from 'node:worker_threads';
import { scryptSync } from 'node:crypto';
import type { ScryptJob, ScryptOutcome } from './scrypt.js';

/** The credential-hashing thread: one scrypt at a time, so one buffer of scrypt's memory. */
parentPort!.on('message', ({ id, secret, salt, keyBytes, options }: ScryptJob) => {
  let outcome: ScryptOutcome;
  try {
    outcome = { id, key: scryptSync(secret, salt, keyBytes, options) };
  } catch (err) {
    outcome = { id, error: String((err as Error)?.message ?? err) };
  }
  parentPort!.postMessage(outcome);
});
