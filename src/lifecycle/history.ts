import type { Migration, Queries } from '../store/db.js';
import type { TransferTable } from '../transfer/table.js';
import { checkDates, checkSid } from '../transfer/table.js';
import type { BundleRow } from '../resources/bundles/bundle.js';
import { isBundleStatus } from '../resources/bundles/bundle.js';

// One row per status a bundle has had, numbered per bundle (`seq`), so a history travels
// between stores by (bundle_sid, seq) whatever row ids the target assigns.
const columns = `
  bundle_sid TEXT NOT NULL REFERENCES bundles (sid) ON DELETE CASCADE,
  account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  failure_reason TEXT NOT NULL,
  date_created TEXT NOT NULL`;

export const historyMigrations: Migration[] = [
  {
    id: '0011_bundle_status_history',
    sql: {
      sqlite: `CREATE TABLE bundle_status_history (id INTEGER PRIMARY KEY AUTOINCREMENT, ${columns});
        CREATE UNIQUE INDEX bundle_status_history_seq ON bundle_status_history (bundle_sid, seq);`,
      postgres: `CREATE TABLE bundle_status_history (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${columns});
        CREATE UNIQUE INDEX bundle_status_history_seq ON bundle_status_history (bundle_sid, seq);`,
    },
  },
];

/**
 * Records the bundle's status as it now is. Call it in the transaction that set the status
 * (create, copy, clone, every review step), so history and bundle never disagree.
 */
export async function recordStatus(tx: Queries, bundle: Pick<BundleRow, 'sid' | 'account_sid' | 'status' | 'failure_reason' | 'date_updated'>): Promise<void> {
  await tx.run(
    `INSERT INTO bundle_status_history (bundle_sid, account_sid, seq, status, failure_reason, date_created)
     SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM bundle_status_history WHERE bundle_sid = ?`,
    [bundle.sid, bundle.account_sid, bundle.status, bundle.failure_reason, bundle.date_updated, bundle.sid],
  );
}

export interface StatusHistoryEntry {
  status: string;
  failure_reason: string | null;
  date_created: string;
}

/** Longer histories are cut to their newest entries: a page of the console never grows unbounded. */
export const HISTORY_LIMIT = 200;

/** A bundle's statuses, oldest first (at most the newest HISTORY_LIMIT). */
export async function statusHistory(q: Queries, bundleSid: string, accountSid: string): Promise<StatusHistoryEntry[]> {
  const rows = await q.all<{ status: string; failure_reason: string; date_created: string }>(
    `SELECT status, failure_reason, date_created FROM bundle_status_history
     WHERE bundle_sid = ? AND account_sid = ? ORDER BY seq DESC LIMIT ?`,
    [bundleSid, accountSid, HISTORY_LIMIT],
  );
  return rows.reverse().map((r) => ({ status: r.status, failure_reason: r.failure_reason || null, date_created: r.date_created }));
}

export const historyTables: readonly TransferTable[] = [
  {
    kind: 'bundle_status_change',
    table: 'bundle_status_history',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'bundle_sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'seq', type: 'integer' },
      { name: 'status', type: 'text' },
      { name: 'failure_reason', type: 'text' },
      { name: 'date_created', type: 'text' },
    ],
    key: ['bundle_sid', 'seq'],
    orderBy: 'id',
    identity: 'id',
    validate: (row) =>
      checkSid(row, 'bundle_sid', 'BU') ??
      checkSid(row, 'account_sid', 'AC') ??
      (isBundleStatus(String(row.status)) ? undefined : 'status must be a bundle status') ??
      checkDates(row, 'date_created'),
  },
];
