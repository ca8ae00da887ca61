import type { Queries } from '../store/db.js';

export interface CallbackLogEntry {
  sid: string;
  url: string;
  method: string;
  params: unknown;
  state: string;
  attempts: Record<string, unknown>[];
  last_response_code: number;
  date_created: string;
}

/** A bundle's status callbacks, oldest first, each with every delivery attempt (control API, CLI). */
export async function callbackLog(q: Queries, bundleSid: string, accountSid?: string): Promise<CallbackLogEntry[]> {
  const scope = accountSid === undefined ? '' : ' AND c.account_sid = ?';
  const params = accountSid === undefined ? [bundleSid] : [bundleSid, accountSid];
  const callbacks = await q.all<Omit<CallbackLogEntry, 'params' | 'attempts'> & { params: string; attempts: number }>(
    `SELECT c.sid, c.url, c.method, c.params, c.state, c.attempts, c.last_response_code, c.date_created FROM status_callbacks c
     WHERE c.bundle_sid = ?${scope} ORDER BY c.id`,
    params,
  );
  const attempts = await q.all<{ callback_sid: string } & Record<string, unknown>>(
    `SELECT a.callback_sid, a.attempt, a.date_started, a.duration_ms, a.response_code, a.error FROM callback_attempts a
     JOIN status_callbacks c ON c.sid = a.callback_sid WHERE c.bundle_sid = ?${scope} ORDER BY a.id`,
    params,
  );
  return callbacks.map((c) => ({
    ...c,
    params: JSON.parse(c.params) as unknown,
    attempts: attempts.filter((a) => a.callback_sid === c.sid).map(({ callback_sid: _, ...a }) => a),
  }));
}
