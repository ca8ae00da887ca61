import type { Db, Queries } from '../../store/db.js';
import { KeysetPages } from '../../store/keyset.js';
import type { KeysetTable } from '../../store/keyset.js';
import type { KeysetQuery } from '../../twilio/paging.js';
import { errors } from '../../twilio/errors.js';
import type { StagedFile } from './staging.js';
import type { DocumentRow } from './view.js';
import { DOCUMENT_COLUMNS } from './view.js';

/** Every list page is one range scan of (account_sid, id). */
export const SUPPORTING_DOCUMENTS_LIST: KeysetTable = {
  table: 'supporting_documents',
  index: 'supporting_documents_account_id',
  scope: ['account_sid'],
};

export interface NewDocument {
  sid: string;
  friendlyName: string;
  type: string;
  attributes: string;
  now: string;
}

export interface DocumentChanges {
  friendlyName: string | undefined;
  attributes: string | undefined;
  now: string;
}

const INSERT = `INSERT INTO supporting_documents
  (sid, account_sid, friendly_name, type, attributes, mime_type, file_size, status, date_created, date_updated)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING ${DOCUMENT_COLUMNS}`;

/** Supporting-document queries. Every one is scoped by account: another account's SID matches nothing. */
export class DocumentStore {
  private readonly pages: KeysetPages<DocumentRow>;

  constructor(private readonly db: Db) {
    this.pages = new KeysetPages(db, SUPPORTING_DOCUMENTS_LIST, DOCUMENT_COLUMNS);
  }

  async create(accountSid: string, doc: NewDocument): Promise<DocumentRow> {
    return (await insert(this.db, accountSid, doc, undefined))!;
  }

  /**
   * Creates the document and moves its staged file to it, in one transaction: the document is
   * never visible without its whole file. Only this transaction's statements are awaited.
   */
  createWithFile(accountSid: string, doc: NewDocument, file: StagedFile): Promise<DocumentRow> {
    return this.db.transaction(async (tx) => {
      const row = await insert(tx, accountSid, doc, file);
      const moved = await tx.run(
        `INSERT INTO supporting_document_files (document_sid, seq, bytes)
         SELECT ?, seq, bytes FROM supporting_document_uploads WHERE upload_id = ? ORDER BY seq`,
        [doc.sid, file.uploadId],
      );
      // Only a sweep racing a live upload, or a wipe of the account, takes chunks away; never store a partial file.
      if (moved.changes !== file.chunks) throw errors.badRequest("the file's upload was removed while it arrived (a wipe of this account?): send it again");
      await tx.run('DELETE FROM supporting_document_uploads WHERE upload_id = ?', [file.uploadId]);
      return row!;
    });
  }

  find(accountSid: string, sid: string): Promise<DocumentRow | undefined> {
    return this.db.get<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM supporting_documents WHERE sid = ? AND account_sid = ?`, [
      sid,
      accountSid,
    ]);
  }

  /** One statement, so racing updates each land whole: the last write wins. */
  update(accountSid: string, sid: string, changes: DocumentChanges): Promise<DocumentRow | undefined> {
    return this.db.get<DocumentRow>(
      `UPDATE supporting_documents SET friendly_name = COALESCE(?, friendly_name), attributes = COALESCE(?, attributes),
         date_updated = ? WHERE sid = ? AND account_sid = ? RETURNING ${DOCUMENT_COLUMNS}`,
      [changes.friendlyName ?? null, changes.attributes ?? null, changes.now, sid, accountSid],
    );
  }

  /**
   * The file's chunks go with the row (ON DELETE CASCADE): one atomic statement, refused while
   * the document is under review ('under-review', 21646) and, by the assignment's foreign key,
   * while it is assigned to a bundle (the caller maps that violation to 21645).
   */
  async delete(accountSid: string, sid: string): Promise<boolean | 'under-review'> {
    const { changes } = await this.db.run(
      "DELETE FROM supporting_documents WHERE sid = ? AND account_sid = ? AND status <> 'pending-review'",
      [sid, accountSid],
    );
    if (changes > 0) return true;
    const row = await this.db.get<{ status: string }>('SELECT status FROM supporting_documents WHERE sid = ? AND account_sid = ?', [sid, accountSid]);
    return row ? 'under-review' : false;
  }

  page(accountSid: string, query: KeysetQuery): Promise<DocumentRow[]> {
    return this.pages.read([accountSid], query);
  }

  /** The file's chunk after `seq` (0: the first), or undefined past the last. */
  async chunkAfter(sid: string, seq: number): Promise<{ seq: number; bytes: Buffer } | undefined> {
    const row = await this.db.get<{ seq: number | bigint; bytes: Buffer }>(
      'SELECT seq, bytes FROM supporting_document_files WHERE document_sid = ? AND seq > ? ORDER BY seq LIMIT 1',
      [sid, seq],
    );
    return row && { seq: Number(row.seq), bytes: row.bytes };
  }
}

function insert(q: Queries, accountSid: string, doc: NewDocument, file: StagedFile | undefined): Promise<DocumentRow | undefined> {
  return q.get<DocumentRow>(INSERT, [
    doc.sid,
    accountSid,
    doc.friendlyName,
    doc.type,
    doc.attributes,
    file?.mimeType ?? null,
    file?.size ?? null,
    doc.now,
    doc.now,
  ]);
}
