import type { Db } from '../store/db.js';

/**
 * Everything an account owns, children before parents (the foreign keys' order), each with the
 * statement that deletes the account's rows. The account, its credentials and API keys stay.
 */
const OWNED: readonly (readonly [table: string, where: string])[] = [
  ['callback_attempts', 'callback_sid IN (SELECT sid FROM status_callbacks WHERE account_sid = ?)'],
  ['status_callbacks', 'account_sid = ?'],
  ['evaluations', 'account_sid = ?'],
  ['item_assignments', 'account_sid = ?'],
  ['bundle_status_history', 'account_sid = ?'],
  ['bundles', 'account_sid = ?'],
  ['supporting_document_files', 'document_sid IN (SELECT sid FROM supporting_documents WHERE account_sid = ?)'],
  ['supporting_document_uploads', 'account_sid = ?'],
  ['supporting_documents', 'account_sid = ?'],
  ['end_users', 'account_sid = ?'],
  ['review_settings', 'account_sid = ?'],
  ['faults', 'account_sid = ?'],
];

/** The tables a wipe empties of the account's rows, in the order it does. */
export const WIPED_TABLES: readonly string[] = OWNED.map(([table]) => table);

/**
 * Tables with an account_sid that a wipe keeps: the account itself and its credentials, and
 * its data version (src/list-cache: a version must never come back, and holds no data).
 */
export const KEPT_TABLES: readonly string[] = ['accounts', 'api_keys', 'account_versions'];

export type WipeCounts = Record<string, number>;

/**
 * Deletes all of one account's data in one transaction and says how many rows went from each
 * table; undefined when there is no such account. On SQLite, secure_delete overwrites them.
 */
export async function wipeAccount(db: Db, accountSid: string): Promise<WipeCounts | undefined> {
  return db.transaction(async (tx) => {
    if (!(await tx.get('SELECT sid FROM accounts WHERE sid = ?', [accountSid]))) return undefined;
    const counts: WipeCounts = {};
    for (const [table, where] of OWNED) counts[table] = (await tx.run(`DELETE FROM ${table} WHERE ${where}`, [accountSid])).changes;
    return counts;
  });
}
