import { recordStatus } from '../../lifecycle/history.js';
import type { Db, Queries } from '../../store/db.js';
import type { KeysetTable } from '../../store/keyset.js';
import { KeysetPages } from '../../store/keyset.js';
import type { KeysetQuery } from '../../twilio/paging.js';
import type { BundleRow, BundleStatus } from './bundle.js';
import type { BundleListQuery, SortBy } from './filters.js';

export const BUNDLE_COLUMNS =
  'id, sid, account_sid, regulation_sid, iso_country, number_type, end_user_type, friendly_name, status, valid_until, email, ' +
  'status_callback, is_test, failure_reason, review_policy, review_step, review_due_ms, copied_from, date_created, date_updated';
const COLUMNS = BUNDLE_COLUMNS;

const scope = ['account_sid'];
/** One keyset per sort order, each served by its own index. */
export const BUNDLE_LISTS: Record<SortBy, KeysetTable> = {
  'date-created': { table: 'bundles', index: 'bundles_account_id', scope },
  'date-updated': { table: 'bundles', index: 'bundles_account_updated', scope, sort: 'date_updated' },
  'valid-until': { table: 'bundles', index: 'bundles_account_valid_until', scope, sort: 'valid_until' },
};

export interface NewBundle {
  sid: string;
  regulationSid: string;
  isoCountry: string;
  numberType: string;
  endUserType: string;
  friendlyName: string;
  email: string;
  statusCallback: string;
  isTest: boolean;
  now: string;
}

export interface BundleChanges {
  friendlyName: string | undefined;
  email: string | undefined;
  statusCallback: string | undefined;
  now: string;
}

/** Bundle queries, every one scoped by account. */
export class BundleStore {
  private readonly pages: Record<SortBy, KeysetPages<BundleRow>>;

  constructor(private readonly db: Db) {
    const pages = (sortBy: SortBy) => new KeysetPages<BundleRow>(db, BUNDLE_LISTS[sortBy], COLUMNS);
    this.pages = { 'date-created': pages('date-created'), 'date-updated': pages('date-updated'), 'valid-until': pages('valid-until') };
  }

  /** A draft, with the first entry of its status history in the same transaction. */
  create(accountSid: string, b: NewBundle): Promise<BundleRow> {
    return this.db.transaction(async (tx) => {
      const row = (await tx.get<BundleRow>(
        `INSERT INTO bundles (sid, account_sid, regulation_sid, iso_country, number_type, end_user_type, friendly_name, status,
           email, status_callback, is_test, date_created, date_updated)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
        [b.sid, accountSid, b.regulationSid, b.isoCountry, b.numberType, b.endUserType, b.friendlyName, b.email, b.statusCallback, b.isTest ? 1 : 0, b.now, b.now],
      ))!;
      await recordStatus(tx, row);
      return row;
    });
  }

  find(accountSid: string, sid: string, q: Queries = this.db): Promise<BundleRow | undefined> {
    return q.get<BundleRow>(`SELECT ${COLUMNS} FROM bundles WHERE sid = ? AND account_sid = ?`, [sid, accountSid]);
  }

  update(accountSid: string, sid: string, c: BundleChanges): Promise<BundleRow | undefined> {
    return this.db.get<BundleRow>(
      `UPDATE bundles SET friendly_name = COALESCE(?, friendly_name), email = COALESCE(?, email),
         status_callback = COALESCE(?, status_callback), date_updated = ?
       WHERE sid = ? AND account_sid = ? RETURNING ${COLUMNS}`,
      [c.friendlyName ?? null, c.email ?? null, c.statusCallback ?? null, c.now, sid, accountSid],
    );
  }

  /** Deletes the bundle only in one of `deletable`; false when nothing was deleted. */
  async delete(accountSid: string, sid: string, deletable: readonly BundleStatus[]): Promise<boolean> {
    const { changes } = await this.db.run(
      `DELETE FROM bundles WHERE sid = ? AND account_sid = ? AND status IN (${deletable.map(() => '?').join(', ')})`,
      [sid, accountSid, ...deletable],
    );
    return changes > 0;
  }

  page(accountSid: string, query: KeysetQuery, list: BundleListQuery): Promise<BundleRow[]> {
    return this.pages[list.sortBy].read([accountSid], query, { order: list.order, filter: list.filter });
  }
}
