import type { Queries } from '../store/db.js';
import type { BundleRow } from '../resources/bundles/bundle.js';
import { twilioDate } from '../twilio/dates.js';
import { newSid } from '../twilio/sid.js';
import type { StatusCallbacks } from '../lifecycle/review.js';

export type CallbackMethod = 'POST' | 'GET';

/** Writes a bundle's status callback into the outbox, in the caller's transaction. */
export class CallbackOutbox implements StatusCallbacks {
  constructor(private readonly method: CallbackMethod) {}

  async enqueue(tx: Queries, bundle: BundleRow, nowMs: number): Promise<void> {
    if (!bundle.status_callback) return;
    // Twilio's fields, in its order; FailureReason empty when there is none (as seen in the wild).
    const params = { AccountSid: bundle.account_sid, BundleSid: bundle.sid, Status: bundle.status, FailureReason: bundle.failure_reason };
    await tx.run(
      `INSERT INTO status_callbacks (sid, account_sid, bundle_sid, url, method, params, state, next_attempt_ms, date_created)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      [newSid('WH'), bundle.account_sid, bundle.sid, bundle.status_callback, this.method, JSON.stringify(params), nowMs, twilioDate(new Date(nowMs))],
    );
  }
}
