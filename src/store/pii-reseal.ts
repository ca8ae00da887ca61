import type { Db } from './db.js';
import type { PiiSealer } from './pii-seal.js';

/** The tables whose `attributes` are sealed on PostgreSQL (pii-seal.ts). */
const SEALED_TABLES = ['end_users', 'supporting_documents'] as const;
/** Rows looked at per statement: bounded work between two requests' turns. */
const SPAN = 5000;

/**
 * Seals what is not sealed under the current key (attributes, then document files' chunks): rows from before sealing,
 * rows sealed under a key since retired (REGCOMP_SECRETS_KEY_PREVIOUS). Safe on
 * a live store and with several instances at once: each row is rewritten only if it still
 * holds the text that was read (compare and set), so a concurrent update always wins.
 * Returns how many rows it sealed. The replaced text stays in PostgreSQL's dead tuples, WAL
 * and backups as it was: see the README's "What deleting erases".
 */
export async function resealStore(db: Db, sealer: PiiSealer): Promise<number> {
  if (!sealer.seals) return 0;
  let sealed = 0;
  for (const table of SEALED_TABLES) {
    const last = await db.get<{ max: number | string | null }>(`SELECT MAX(id) AS max FROM ${table}`);
    const max = Number(last?.max ?? 0);
    for (let from = 0; from < max; from += SPAN) {
      const rows = await db.all<{ id: number | string; attributes: string }>(
        `SELECT id, attributes FROM ${table} WHERE id > ? AND id <= ? AND attributes NOT LIKE ?`,
        [from, from + SPAN, sealer.currentPrefix()],
      );
      for (const row of rows) {
        const { changes } = await db.run(`UPDATE ${table} SET attributes = ? WHERE id = ? AND attributes = ?`, [
          sealer.seal(sealer.open(row.attributes)),
          row.id,
          row.attributes,
        ]);
        sealed += changes;
      }
    }
  }
  return sealed + (await resealFiles(db, sealer));
}

/** The same for document files' chunks (PostgreSQL SQL: sealing is PostgreSQL's only). */
async function resealFiles(db: Db, sealer: PiiSealer): Promise<number> {
  let sealed = 0;
  const last = await db.get<{ max: number | string | null }>('SELECT MAX(id) AS max FROM supporting_document_files');
  const max = Number(last?.max ?? 0);
  // Fewer rows per statement: a chunk is up to 64 KiB.
  for (let from = 0; from < max; from += SPAN / 10) {
    const rows = await db.all<{ id: number | string; bytes: Buffer }>(
      'SELECT id, bytes FROM supporting_document_files WHERE id > ? AND id <= ? AND substring(bytes from 1 for 8) <> ?',
      [from, from + SPAN / 10, sealer.currentBytesPrefix()],
    );
    for (const row of rows) {
      const { changes } = await db.run('UPDATE supporting_document_files SET bytes = ? WHERE id = ? AND bytes = ?', [
        sealer.sealBytes(sealer.openBytes(row.bytes)),
        row.id,
        row.bytes,
      ]);
      sealed += changes;
    }
  }
  return sealed;
}
