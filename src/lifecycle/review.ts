import type { Db, Queries } from '../store/db.js';
import type { BundleRow, BundleStatus } from '../resources/bundles/bundle.js';
import { BUNDLE_COLUMNS } from '../resources/bundles/store.js';
import { twilioDate } from '../twilio/dates.js';
import { recordStatus } from './history.js';
import type { ReviewSettings } from './policy.js';
import { REJECT_POLICY_REASON, TEST_BUNDLE_REASON, isReviewPolicy } from './policy.js';

/** Writes a status callback for a bundle's new status in the same transaction (an outbox). */
export interface StatusCallbacks {
  enqueue(tx: Queries, bundle: BundleRow, nowMs: number): Promise<void>;
}

/** Judges a bundle for the `evaluate` policy, in the deciding transaction. */
export type Judge = (tx: Queries, bundle: BundleRow) => Promise<{ compliant: boolean; failureReason: string }>;

export interface ReviewOptions {
  defaults: ReviewSettings;
  clock: () => number;
  callbacks: StatusCallbacks;
  /** Twilio's docs say the pending-review → in-review change sends no callback; some see one. */
  callbackOnInReview: boolean;
  /** The client's own submit (draft → pending-review) sends one, as seen in the wild. */
  callbackOnSubmit: boolean;
  judge?: Judge;
}

export interface Decision {
  status: BundleStatus;
  failureReason?: string;
  /** '' clears it. */
  validUntil?: string;
}

const STEPS_DUE_PER_TICK = 50;

/** A Supporting Document's status when its bundle moves to a status (in-review: unchanged). */
const DOCUMENTS_FOLLOW: Partial<Record<BundleStatus, string>> = {
  draft: 'draft',
  'pending-review': 'pending-review',
  'twilio-approved': 'approved',
  'twilio-rejected': 'rejected',
  'provisionally-approved': 'provisionally-approved',
};

/**
 * The review lifecycle: draft → pending-review → in-review → twilio-approved | twilio-rejected.
 * Every change is one transaction: the guarded UPDATE (whose WHERE is also the claim, so racing
 * instances apply a step once), the next scheduled step, and the status callback's outbox row.
 */
export class Reviews {
  constructor(
    private readonly db: Db,
    private readonly options: ReviewOptions,
  ) {}

  /** A client's Status update, from one of `from`: submit, resubmit or withdraw. */
  clientTransition(accountSid: string, sid: string, to: BundleStatus, from: readonly BundleStatus[]): Promise<BundleRow | undefined> {
    return this.db.transaction(async (tx) => {
      const nowMs = this.options.clock();
      const current = await tx.get<BundleRow>(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE sid = ? AND account_sid = ?`, [sid, accountSid]);
      if (!current || !from.includes(current.status)) return undefined;
      let step = '';
      let due = 0;
      if (to === 'pending-review') {
        const settings = await this.settingsFor(tx, current);
        if (settings.policy !== 'manual' || current.is_test) [step, due] = ['in-review', nowMs + settings.inReviewAfterMs];
      }
      const row = await this.write(tx, current, { status: to, failureReason: to === 'pending-review' ? '' : current.failure_reason }, step, due, nowMs);
      if (row && (to !== 'pending-review' || this.options.callbackOnSubmit)) await this.options.callbacks.enqueue(tx, row, nowMs);
      return row;
    });
  }

  /** A reviewer's decision (control API, CLI): any status, now; the schedule is cleared. */
  decide(sid: string, decision: Decision, accountSid?: string): Promise<BundleRow | undefined> {
    return this.db.transaction(async (tx) => {
      const nowMs = this.options.clock();
      const current = await tx.get<BundleRow>(
        `SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE sid = ?${accountSid === undefined ? '' : ' AND account_sid = ?'}`,
        accountSid === undefined ? [sid] : [sid, accountSid],
      );
      if (!current) return undefined;
      const row = await this.write(tx, current, decision, '', 0, nowMs);
      if (row && row.status !== current.status) await this.options.callbacks.enqueue(tx, row, nowMs);
      return row;
    });
  }

  /** Applies every scheduled step that is due; returns how many this instance applied. */
  async tick(): Promise<number> {
    const due = await this.db.all<{ sid: string }>(
      'SELECT sid FROM bundles WHERE review_due_ms > 0 AND review_due_ms <= ? ORDER BY review_due_ms LIMIT ?',
      [this.options.clock(), STEPS_DUE_PER_TICK],
    );
    let applied = 0;
    for (const { sid } of due) if (await this.step(sid)) applied++;
    return applied;
  }

  private step(sid: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const nowMs = this.options.clock();
      const current = await tx.get<BundleRow>(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE sid = ? AND review_due_ms > 0 AND review_due_ms <= ?`, [sid, nowMs]);
      if (!current) return false;
      const settings = await this.settingsFor(tx, current);
      let row: BundleRow | undefined;
      if (current.review_step === 'in-review' && current.status === 'pending-review') {
        const next = settings.policy === 'manual' && !current.is_test ? ['', 0] as const : ['decide', nowMs + settings.decisionAfterMs] as const;
        row = await this.write(tx, current, { status: 'in-review' }, next[0], next[1], nowMs);
        if (row && this.options.callbackOnInReview) await this.options.callbacks.enqueue(tx, row, nowMs);
      } else if (current.review_step === 'decide' && current.status === 'in-review' && (settings.policy !== 'manual' || current.is_test)) {
        row = await this.write(tx, current, await this.verdict(tx, current, settings), '', 0, nowMs);
        if (row) await this.options.callbacks.enqueue(tx, row, nowMs);
      } else {
        // The bundle moved on (withdrawn, decided by hand) or the policy became manual.
        row = await this.write(tx, current, { status: current.status }, '', 0, nowMs, false);
      }
      return row !== undefined;
    });
  }

  private async verdict(tx: Queries, bundle: BundleRow, settings: ReviewSettings): Promise<Decision> {
    if (bundle.is_test) return { status: 'twilio-rejected', failureReason: TEST_BUNDLE_REASON };
    if (settings.policy === 'reject') return { status: 'twilio-rejected', failureReason: REJECT_POLICY_REASON };
    if (settings.policy === 'evaluate' && this.options.judge) {
      const { compliant, failureReason } = await this.options.judge(tx, bundle);
      return compliant ? { status: 'twilio-approved', failureReason: '' } : { status: 'twilio-rejected', failureReason };
    }
    return { status: 'twilio-approved', failureReason: '' };
  }

  /**
   * One guarded write: only if the bundle is still as read (status and schedule), which makes
   * it the claim of this change; undefined when another request or instance got there first.
   */
  private async write(tx: Queries, current: BundleRow, d: Decision, step: string, dueMs: number, nowMs: number, touch = true): Promise<BundleRow | undefined> {
    const failureReason = d.failureReason ?? (d.status === 'twilio-rejected' ? current.failure_reason : '');
    const row = await this.update(tx, current, d, failureReason, step, dueMs, nowMs, touch);
    if (row && d.status !== current.status) await recordStatus(tx, row);
    const documentStatus = DOCUMENTS_FOLLOW[d.status];
    if (row && documentStatus !== undefined && d.status !== current.status) {
      // Documents follow their bundle's review: submitted, approved or rejected with it.
      await tx.run(
        `UPDATE supporting_documents SET status = ?, date_updated = ?
         WHERE sid IN (SELECT supporting_document_sid FROM item_assignments WHERE bundle_sid = ? AND supporting_document_sid IS NOT NULL)`,
        [documentStatus, row.date_updated, row.sid],
      );
    }
    return row;
  }

  private update(tx: Queries, current: BundleRow, d: Decision, failureReason: string, step: string, dueMs: number, nowMs: number, touch: boolean): Promise<BundleRow | undefined> {
    return tx.get<BundleRow>(
      `UPDATE bundles SET status = ?, failure_reason = ?, valid_until = ?, review_step = ?, review_due_ms = ?, date_updated = ?
       WHERE sid = ? AND status = ? AND review_step = ? AND review_due_ms = ? RETURNING ${BUNDLE_COLUMNS}`,
      [
        d.status,
        failureReason,
        d.validUntil ?? current.valid_until,
        step,
        dueMs,
        touch ? twilioDate(new Date(nowMs)) : current.date_updated,
        current.sid,
        current.status,
        current.review_step,
        current.review_due_ms,
      ],
    );
  }

  /** The bundle's own policy, else its account's, else the store's. */
  async settingsFor(q: Queries, bundle: Pick<BundleRow, 'account_sid' | 'review_policy'>): Promise<ReviewSettings> {
    const account = await q.get<{ policy: string; in_review_after_ms: number; decision_after_ms: number }>(
      'SELECT policy, in_review_after_ms, decision_after_ms FROM review_settings WHERE account_sid = ?',
      [bundle.account_sid],
    );
    const base: ReviewSettings = account && isReviewPolicy(account.policy)
      ? { policy: account.policy, inReviewAfterMs: Number(account.in_review_after_ms), decisionAfterMs: Number(account.decision_after_ms) }
      : this.options.defaults;
    return isReviewPolicy(bundle.review_policy) ? { ...base, policy: bundle.review_policy } : base;
  }
}
