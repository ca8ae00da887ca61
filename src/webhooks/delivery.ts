import type { FastifyBaseLogger } from 'fastify';
import type { Accounts } from '../accounts/accounts.js';
import type { Db } from '../store/db.js';
import { twilioDate } from '../twilio/dates.js';
import { twilioSignature } from './signature.js';

export interface DeliveryOptions {
  clock: () => number;
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number;
  /** After this many failed attempts the callback is given up (state `failed`). */
  maxAttempts: number;
  /** Whether a callback URL may be called (CALLBACK_ALLOWED_HOSTS). */
  allowed: (url: URL) => boolean;
}

interface DueCallback {
  sid: string;
  account_sid: string;
  url: string;
  method: 'POST' | 'GET';
  params: string;
  attempts: number;
}

const PER_TICK = 20;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Delivers the outbox: each due callback is claimed by a guarded UPDATE (so one instance sends
 * it), sent signed as Twilio signs, and its attempt recorded. A failure or timeout is retried
 * with exponential backoff (1 s, 2 s, 4 s… at most 10 min). A crash mid-attempt leaves the
 * claim to expire, and the callback is sent again: at least once, across crashes and instances.
 */
export class CallbackDelivery {
  constructor(
    private readonly db: Db,
    private readonly accounts: Accounts,
    private readonly options: DeliveryOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  async tick(): Promise<number> {
    const now = this.options.clock();
    const due = await this.db.all<{ sid: string; next_attempt_ms: number }>(
      "SELECT sid, next_attempt_ms FROM status_callbacks WHERE state = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT ?",
      [now, PER_TICK],
    );
    const claimed: DueCallback[] = [];
    for (const { sid, next_attempt_ms } of due) {
      const row = await this.db.get<DueCallback>(
        `UPDATE status_callbacks SET attempts = attempts + 1, next_attempt_ms = ?
         WHERE sid = ? AND state = 'pending' AND next_attempt_ms = ? RETURNING sid, account_sid, url, method, params, attempts`,
        [now + this.options.timeoutMs + 5000, sid, next_attempt_ms],
      );
      if (row) claimed.push(row);
    }
    await Promise.all(claimed.map((row) => this.deliver(row)));
    return claimed.length;
  }

  private async deliver(row: DueCallback): Promise<void> {
    const started = this.options.clock();
    const outcome = await this.send(row).catch((err: unknown) => ({ code: 0, error: describe(err) }));
    const finished = this.options.clock();
    const ok = outcome.code >= 200 && outcome.code < 300;
    const state = ok ? 'delivered' : row.attempts >= this.options.maxAttempts || outcome.error.startsWith('not allowed') ? 'failed' : 'pending';
    const next = ok ? 0 : finished + Math.min(1000 * 2 ** (row.attempts - 1), MAX_BACKOFF_MS);
    await this.db.run(
      'INSERT INTO callback_attempts (callback_sid, attempt, date_started, duration_ms, response_code, error) VALUES (?, ?, ?, ?, ?, ?)',
      [row.sid, row.attempts, twilioDate(new Date(started)), finished - started, outcome.code, outcome.error],
    );
    await this.db.run('UPDATE status_callbacks SET state = ?, next_attempt_ms = ?, last_response_code = ? WHERE sid = ?', [state, next, outcome.code, row.sid]);
    if (!ok) this.log.warn({ callback: row.sid, attempt: row.attempts, code: outcome.code, error: outcome.error, state }, 'status callback failed');
  }

  private async send(row: DueCallback): Promise<{ code: number; error: string }> {
    const params = JSON.parse(row.params) as Record<string, string>;
    const url = new URL(row.url);
    if (!['http:', 'https:'].includes(url.protocol) || !this.options.allowed(url)) return { code: 0, error: 'not allowed by CALLBACK_ALLOWED_HOSTS' };
    if (row.method === 'GET') for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
    const target = url.toString();
    const headers: Record<string, string> = { 'User-Agent': 'TwilioProxy/1.1', Accept: '*/*' };
    const token = await this.accounts.signingToken(row.account_sid);
    if (token !== undefined) headers['X-Twilio-Signature'] = twilioSignature(token, target, row.method === 'POST' ? params : {});
    const body = row.method === 'POST' ? new URLSearchParams(params).toString() : undefined;
    if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(target, { method: row.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
    await response.body?.cancel();
    return { code: response.status, error: token === undefined ? 'unsigned: the account has no sealed auth token' : '' };
  }
}

function describe(err: unknown): string {
  const error = err as Error & { cause?: { code?: string } };
  return error.name === 'TimeoutError' ? 'timed out' : `${error.message}${error.cause?.code ? ` (${error.cause.code})` : ''}`.slice(0, 200);
}
