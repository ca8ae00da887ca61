import type { Queries } from '../../store/db.js';
import { piiOpener } from '../../store/pii-seal.js';
import type { EvaluatedItem } from './engine.js';

/** A bundle's assigned end users and documents, in assignment order, for the engine. */
export async function bundleItems(q: Queries, bundleSid: string): Promise<EvaluatedItem[]> {
  const rows = await q.all<{ sid: string; kind: EvaluatedItem['kind']; type: string; attributes: string }>(
    `SELECT o.sid, 'end_user' AS kind, o.type, o.attributes, a.id AS position FROM item_assignments a JOIN end_users o ON o.sid = a.end_user_sid
       WHERE a.bundle_sid = ?
     UNION ALL
     SELECT o.sid, 'supporting_document' AS kind, o.type, o.attributes, a.id AS position FROM item_assignments a
       JOIN supporting_documents o ON o.sid = a.supporting_document_sid WHERE a.bundle_sid = ?
     ORDER BY position`,
    [bundleSid, bundleSid],
  );
  const sealer = piiOpener();
  return rows.map((row) => ({ sid: row.sid, kind: row.kind, type: row.type, attributes: JSON.parse(sealer.open(row.attributes)) as Record<string, unknown> }));
}
