import type { Db, Queries } from '../../store/db.js';
import type { KeysetTable } from '../../store/keyset.js';
import { KeysetPages } from '../../store/keyset.js';
import type { KeysetQuery } from '../../twilio/paging.js';

export interface EvaluationRow {
  id: number;
  sid: string;
  account_sid: string;
  bundle_sid: string;
  regulation_sid: string;
  status: string;
  /** JSON text of the results array. */
  results: string;
  date_created: string;
}

const COLUMNS = 'id, sid, account_sid, bundle_sid, regulation_sid, status, results, date_created';

export const EVALUATIONS_LIST: KeysetTable = { table: 'evaluations', index: 'evaluations_page', scope: ['account_sid', 'bundle_sid'] };

export class EvaluationStore {
  private readonly pages: KeysetPages<EvaluationRow>;

  constructor(private readonly db: Db) {
    this.pages = new KeysetPages(db, EVALUATIONS_LIST, COLUMNS);
  }

  insert(q: Queries, row: Omit<EvaluationRow, 'id'>): Promise<EvaluationRow | undefined> {
    return q.get<EvaluationRow>(
      `INSERT INTO evaluations (sid, account_sid, bundle_sid, regulation_sid, status, results, date_created)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
      [row.sid, row.account_sid, row.bundle_sid, row.regulation_sid, row.status, row.results, row.date_created],
    );
  }

  find(accountSid: string, bundleSid: string, sid: string): Promise<EvaluationRow | undefined> {
    return this.db.get<EvaluationRow>(`SELECT ${COLUMNS} FROM evaluations WHERE sid = ? AND bundle_sid = ? AND account_sid = ?`, [sid, bundleSid, accountSid]);
  }

  page(accountSid: string, bundleSid: string, query: KeysetQuery): Promise<EvaluationRow[]> {
    return this.pages.read([accountSid, bundleSid], query);
  }
}
