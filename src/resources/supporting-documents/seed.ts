import type { Db, SqlValue } from '../../store/db.js';
import { insertRows } from '../../store/insert-rows.js';
import { piiSealer } from '../../store/pii-seal.js';
import { twilioDate } from '../../twilio/dates.js';
import { newSid } from '../../twilio/sid.js';
import { minimalPdf } from './pdf.js';

export interface DocumentSeedOptions {
  /** Rows per transaction. */
  chunkRows?: number;
  onProgress?: (done: number) => void;
}

const DOCUMENT_COLUMNS = [
  'sid', 'account_sid', 'friendly_name', 'type', 'attributes', 'mime_type', 'file_size', 'status', 'date_created', 'date_updated',
];
const FILE_COLUMNS = ['document_sid', 'seq', 'bytes'];

const KINDS = [
  { type: 'passport', name: 'Passport', attributes: (n: number) => ({ first_name: 'Ada', last_name: 'Lovelace', document_number: `P${n}` }) },
  { type: 'utility_bill', name: 'Utility bill', attributes: () => ({ address_sids: [newSid('AD')] }) },
  {
    type: 'business_registration',
    name: 'Business registration',
    attributes: (n: number) => ({ business_name: `Acme ${n} Ltd`, business_registration_number: String(100000 + n) }),
  },
] as const;

/**
 * `count` synthetic Supporting Documents spread round-robin over `accountSids`, each with a
 * small real PDF as its file (one chunk), created one second apart and ending now.
 */
export async function seedDocuments(db: Db, accountSids: readonly string[], count: number, options: DocumentSeedOptions = {}): Promise<number> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a whole number');
  if (count > 0 && accountSids.length === 0) throw new RangeError('documents need at least one account');
  const chunkRows = options.chunkRows ?? 2000;
  const firstCreated = Date.now() - count * 1000;
  // Sealed as the server stores them (on PostgreSQL; see seedEndUsers).
  const sealer = piiSealer(db.dialect);
  let done = 0;
  while (done < count) {
    const n = Math.min(chunkRows, count - done);
    const documents: SqlValue[][] = [];
    const files: SqlValue[][] = [];
    for (let i = 0; i < n; i++) {
      const index = done + i;
      const kind = KINDS[index % KINDS.length]!;
      const sid = newSid('RD');
      const date = twilioDate(new Date(firstCreated + index * 1000));
      const pdf = minimalPdf(`${kind.name} ${index + 1}`);
      const attributes = sealer.seal(JSON.stringify(kind.attributes(index + 1)));
      documents.push([sid, accountSids[index % accountSids.length]!, `${kind.name} ${index + 1}`, kind.type, attributes, 'application/pdf', pdf.length, 'draft', date, date]);
      files.push([sid, 1, sealer.sealBytes(pdf)]);
    }
    // Parents first; each insert is its own transaction, and files follow their documents.
    await insertRows(db, 'supporting_documents', DOCUMENT_COLUMNS, documents, 1, n);
    await insertRows(db, 'supporting_document_files', FILE_COLUMNS, files, 1, n);
    done += n;
    options.onProgress?.(done);
  }
  // PostgreSQL plans from statistics that autovacuum would gather only later.
  if (db.dialect === 'postgres' && count > 0) await db.run('ANALYZE supporting_documents, supporting_document_files');
  return count;
}
