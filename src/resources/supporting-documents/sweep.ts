import type { FastifyInstance } from 'fastify';
import type { UploadStaging } from './staging.js';
import { UPLOAD_MAX_DURATION_MS } from './upload.js';

/** Leftovers older than twice the longest an upload may run belong to no live upload. */
export const STALE_UPLOAD_MS = 2 * UPLOAD_MAX_DURATION_MS;
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Removes the staged chunks a crashed or cut-off process left behind: at start, then every ten
 * minutes while the app runs. Best effort: a failed sweep is logged and tried again next time.
 */
export function registerSweeps(app: FastifyInstance, staging: UploadStaging): void {
  let timer: NodeJS.Timeout | undefined;
  const sweep = async () => {
    try {
      await staging.sweep(Date.now() - STALE_UPLOAD_MS);
    } catch (err) {
      app.log.warn({ err }, 'sweeping stale supporting document uploads failed');
    }
  };
  app.addHook('onReady', async () => {
    await sweep();
    timer = setInterval(() => void sweep(), SWEEP_EVERY_MS).unref();
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}
