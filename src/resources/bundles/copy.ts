import type { Queries } from '../../store/db.js';
import { recordStatus } from '../../lifecycle/history.js';
import { newSid } from '../../twilio/sid.js';
import type { BundleRow, BundleStatus } from './bundle.js';
import { BUNDLE_COLUMNS } from './store.js';

export interface CopyOptions {
  sid: string;
  accountSid: string;
  friendlyName: string;
  status: BundleStatus;
  copiedFrom: string;
  now: string;
}

/** A new bundle with `source`'s regulation and properties (valid_until included), not its review. */
export async function copyBundle(tx: Queries, source: BundleRow, o: CopyOptions): Promise<BundleRow> {
  const row = (await tx.get<BundleRow>(
    `INSERT INTO bundles (sid, account_sid, regulation_sid, iso_country, number_type, end_user_type, friendly_name, status,
       valid_until, email, status_callback, is_test, copied_from, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${BUNDLE_COLUMNS}`,
    [
      o.sid, o.accountSid, source.regulation_sid, source.iso_country, source.number_type, source.end_user_type, o.friendlyName, o.status,
      source.valid_until, source.email, source.status_callback, source.is_test, o.copiedFrom, o.now, o.now,
    ],
  ))!;
  await recordStatus(tx, row);
  return row;
}

interface Item {
  end_user_sid: string | null;
  supporting_document_sid: string | null;
}

/**
 * Assigns `to` the objects assigned to `from`, in their order; `mapObject` may replace each
 * object by another (a Clone's copies in the target account).
 */
export async function copyAssignments(
  tx: Queries,
  from: string,
  to: { sid: string; account_sid: string },
  now: string,
  mapObject: (item: Item) => Promise<Item> = (item) => Promise.resolve(item),
): Promise<void> {
  const items = await tx.all<Item>('SELECT end_user_sid, supporting_document_sid FROM item_assignments WHERE bundle_sid = ? ORDER BY id', [from]);
  for (const item of items) {
    const mapped = await mapObject(item);
    await tx.run(
      'INSERT INTO item_assignments (sid, account_sid, bundle_sid, end_user_sid, supporting_document_sid, date_created) VALUES (?, ?, ?, ?, ?, ?)',
      [newSid('BV'), to.account_sid, to.sid, mapped.end_user_sid, mapped.supporting_document_sid, now],
    );
  }
}
