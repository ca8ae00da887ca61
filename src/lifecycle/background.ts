import type { FastifyInstance } from 'fastify';
import { Accounts } from '../accounts/accounts.js';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import { callbackHostAllowed } from '../webhooks/allowed.js';
import { CallbackDelivery } from '../webhooks/delivery.js';
import { CallbackOutbox } from '../webhooks/outbox.js';
import type { Judge } from './review.js';
import { Reviews } from './review.js';
import { Ticker } from './ticker.js';

export interface Background {
  reviews: Reviews;
  /** Runs due review steps, then due callbacks, now (tests; the control API after a decision). */
  runNow(): Promise<void>;
}

/** The review lifecycle as configured: the server's, and the CLI's decisions. */
export function newReviews(db: Db, config: Config, clock: () => number, judge?: Judge): Reviews {
  return new Reviews(db, {
    defaults: config.review,
    clock,
    callbacks: new CallbackOutbox(config.callbacks.method),
    callbackOnInReview: config.callbacks.onInReview,
    callbackOnSubmit: config.callbacks.onSubmit,
    judge,
  });
}

/**
 * The review lifecycle and the callback outbox of one instance: built with the app, ticking
 * from `onReady` to `onClose`, so graceful shutdown waits for a tick in flight.
 */
export function registerBackground(app: FastifyInstance, db: Db, config: Config, clock: () => number, judge?: Judge): Background {
  const reviews = newReviews(db, config, clock, judge);
  const delivery = new CallbackDelivery(
    db,
    new Accounts(db),
    {
      clock,
      timeoutMs: config.callbacks.timeoutMs,
      maxAttempts: config.callbacks.maxAttempts,
      allowed: (url) => callbackHostAllowed(config.callbacks.allowedHosts, url),
    },
    app.log,
  );
  const work = async () => {
    await reviews.tick();
    await delivery.tick();
  };
  const ticker = new Ticker('reviews and callbacks', config.backgroundTickMs, work, app.log);
  app.addHook('onReady', () => {
    ticker.start();
    return Promise.resolve();
  });
  app.addHook('onClose', () => ticker.stop());
  return { reviews, runNow: () => ticker.runNow() };
}
