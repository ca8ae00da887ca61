import type { Db } from '../store/db.js';
import { twilioDate } from '../twilio/dates.js';
import { newSid } from '../twilio/sid.js';
import type { FaultRow, FaultRule, NewFault } from './rule.js';

export const FAULT_SID_PREFIX = 'FT';

const ROW = 'sid, account_sid, type, method, path, count, remaining, probability, latency_ms, retry_after, applied, date_created';
const RULE = 'sid, type, method, path, remaining, probability, latency_ms, retry_after';
/** A rule still in force: one with a count has uses left. */
const LIVE = '(remaining IS NULL OR remaining > 0)';

/** Fault rules in the database, so that every instance on one store applies the same ones. */
export class FaultStore {
  constructor(private readonly db: Db) {}

  async create(accountSid: string, fault: NewFault, now: Date = new Date()): Promise<FaultRow> {
    const row = await this.db.get<FaultRow>(
      `INSERT INTO faults (sid, account_sid, type, method, path, count, remaining, probability, latency_ms, retry_after, date_created)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${ROW}`,
      [newSid(FAULT_SID_PREFIX), accountSid, fault.type, fault.method, fault.path, fault.count, fault.count, fault.probability, fault.latency_ms, fault.retry_after, twilioDate(now)],
    );
    return row!;
  }

  list(accountSid: string): Promise<FaultRow[]> {
    return this.db.all<FaultRow>(`SELECT ${ROW} FROM faults WHERE account_sid = ? ORDER BY id`, [accountSid]);
  }

  countOf(accountSid: string): Promise<number> {
    return this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM faults WHERE account_sid = ?', [accountSid]).then((r) => Number(r?.n ?? 0));
  }

  find(accountSid: string, sid: string): Promise<FaultRow | undefined> {
    return this.db.get<FaultRow>(`SELECT ${ROW} FROM faults WHERE sid = ? AND account_sid = ?`, [sid, accountSid]);
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM faults WHERE sid = ? AND account_sid = ?', [sid, accountSid])).changes > 0;
  }

  async clear(accountSid: string): Promise<number> {
    return (await this.db.run('DELETE FROM faults WHERE account_sid = ?', [accountSid])).changes;
  }

  /** The rules in force for an account, oldest first: the order they are tried in. */
  liveRules(accountSid: string): Promise<FaultRule[]> {
    return this.db.all<FaultRule>(`SELECT ${RULE} FROM faults WHERE account_sid = ? AND ${LIVE} ORDER BY id`, [accountSid]);
  }

  /**
   * Takes one use of a rule. A counted rule is claimed by a guarded decrement, so however many
   * requests and instances race for the last use, exactly one gets it; false: none was left
   * (or the rule was deleted meanwhile).
   */
  async claim(rule: FaultRule): Promise<boolean> {
    const sql =
      rule.remaining === null
        ? 'UPDATE faults SET applied = applied + 1 WHERE sid = ? RETURNING sid'
        : 'UPDATE faults SET remaining = remaining - 1, applied = applied + 1 WHERE sid = ? AND remaining > 0 RETURNING sid';
    return (await this.db.get(sql, [rule.sid])) !== undefined;
  }

  /** Every account with a rule in force: what each instance caches. */
  async faultedAccounts(): Promise<Set<string>> {
    const rows = await this.db.all<{ account_sid: string }>(`SELECT DISTINCT account_sid FROM faults WHERE ${LIVE}`);
    return new Set(rows.map((r) => r.account_sid));
  }
}
