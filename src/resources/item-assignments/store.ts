import type { Db } from '../../store/db.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../store/db.js';
import type { KeysetTable } from '../../store/keyset.js';
import { KeysetPages } from '../../store/keyset.js';
import type { KeysetQuery } from '../../twilio/paging.js';

/** An assignment as the API shows it: object_sid is whichever object column is set. */
export interface AssignmentRow {
  id: number;
  sid: string;
  account_sid: string;
  bundle_sid: string;
  object_sid: string;
  date_created: string;
}

const COLUMNS = 'id, sid, account_sid, bundle_sid, COALESCE(end_user_sid, supporting_document_sid) AS object_sid, date_created';

export const ITEM_ASSIGNMENTS_LIST: KeysetTable = {
  table: 'item_assignments',
  index: 'item_assignments_page',
  scope: ['account_sid', 'bundle_sid'],
};

export type AssignOutcome = AssignmentRow | 'bundle-not-draft' | 'no-such-object' | 'already-assigned';

/** What an object SID's prefix says it is, and the table it lives in. */
const KINDS = {
  IT: { column: 'end_user_sid', table: 'end_users' },
  RD: { column: 'supporting_document_sid', table: 'supporting_documents' },
} as const;
export type ObjectPrefix = keyof typeof KINDS;

export class AssignmentStore {
  private readonly pages: KeysetPages<AssignmentRow>;

  constructor(private readonly db: Db) {
    this.pages = new KeysetPages(db, ITEM_ASSIGNMENTS_LIST, COLUMNS);
  }

  /**
   * One statement: inserted only if the bundle is the account's and draft, and the object is
   * the account's. PostgreSQL locks the bundle's row (FOR UPDATE), so a submit racing it either
   * comes first (then nothing is assigned) or waits for it.
   */
  async assign(accountSid: string, bundleSid: string, prefix: ObjectPrefix, objectSid: string, sid: string, now: string): Promise<AssignOutcome> {
    const { column, table } = KINDS[prefix];
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE OF b' : '';
    try {
      const row = await this.db.get<AssignmentRow>(
        `INSERT INTO item_assignments (sid, account_sid, bundle_sid, ${column}, date_created)
         SELECT ?, b.account_sid, b.sid, o.sid, ? FROM bundles b JOIN ${table} o ON o.sid = ? AND o.account_sid = b.account_sid
         WHERE b.sid = ? AND b.account_sid = ? AND b.status = 'draft'${lock}
         RETURNING ${COLUMNS}`,
        [sid, now, objectSid, bundleSid, accountSid],
      );
      if (row) return row;
    } catch (err) {
      // The object was deleted between the join and the insert's check: it is gone.
      if (isForeignKeyViolation(err)) return 'no-such-object';
      if (isUniqueViolation(err)) return 'already-assigned';
      throw err;
    }
    const object = await this.db.get(`SELECT 1 AS found FROM ${table} WHERE sid = ? AND account_sid = ?`, [objectSid, accountSid]);
    return object ? 'bundle-not-draft' : 'no-such-object';
  }

  find(accountSid: string, bundleSid: string, sid: string): Promise<AssignmentRow | undefined> {
    return this.db.get<AssignmentRow>(`SELECT ${COLUMNS} FROM item_assignments WHERE sid = ? AND bundle_sid = ? AND account_sid = ?`, [sid, bundleSid, accountSid]);
  }

  /** Deletes it only while its bundle is draft; `bundle-not-draft` when the bundle is not. */
  async remove(accountSid: string, bundleSid: string, sid: string): Promise<boolean | 'bundle-not-draft'> {
    const { changes } = await this.db.run(
      `DELETE FROM item_assignments WHERE sid = ? AND bundle_sid = ? AND account_sid = ?
         AND EXISTS (SELECT 1 FROM bundles WHERE sid = ? AND status = 'draft')`,
      [sid, bundleSid, accountSid, bundleSid],
    );
    if (changes > 0) return true;
    return (await this.find(accountSid, bundleSid, sid)) ? 'bundle-not-draft' : false;
  }

  page(accountSid: string, bundleSid: string, query: KeysetQuery): Promise<AssignmentRow[]> {
    return this.pages.read([accountSid, bundleSid], query);
  }
}
