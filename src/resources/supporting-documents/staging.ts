import { randomBytes } from 'node:crypto';
import type { Db } from '../../store/db.js';

/** Bytes per stored chunk: one row of supporting_document_files (the last may be shorter). */
export const CHUNK_BYTES = 64 * 1024;

/** A file fully received into supporting_document_uploads, not yet any document's. */
export interface StagedFile {
  uploadId: string;
  mimeType: string;
  size: number;
  chunks: number;
}

/**
 * Uploads in progress. Each chunk is written (and committed) before the next is read from the
 * request, so the file never sits whole in memory and a slow database slows the client down.
 * The rows are nobody's until DocumentStore.createWithFile moves them, in one transaction, to
 * their document; a failed upload discards them, and sweep() removes a crashed process's.
 */
export class UploadStaging {
  constructor(
    private readonly db: Db,
    /** How a chunk is stored: sealed on PostgreSQL (see sealed-store.ts). */
    private readonly sealChunk: (bytes: Buffer) => Buffer = (bytes) => bytes,
  ) {}

  static newUploadId(): string {
    return randomBytes(16).toString('hex');
  }

  /**
   * Stores `source` under `uploadId` (the account's) in CHUNK_BYTES rows. Throws what `source`
   * throws (an aborted request), leaving any chunks written for the caller to discard.
   */
  async stage(uploadId: string, accountSid: string, source: AsyncIterable<Buffer>): Promise<{ size: number; chunks: number }> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let chunks = 0;
    const write = (bytes: Buffer) =>
      this.db.run('INSERT INTO supporting_document_uploads (upload_id, account_sid, seq, bytes, written_at) VALUES (?, ?, ?, ?, ?)', [
        uploadId,
        accountSid,
        ++chunks,
        this.sealChunk(bytes),
        Date.now(),
      ]);
    for await (const piece of source) {
      size += piece.length;
      pending.push(piece);
      pendingBytes += piece.length;
      while (pendingBytes >= CHUNK_BYTES) {
        const joined = Buffer.concat(pending);
        await write(joined.subarray(0, CHUNK_BYTES));
        pending = joined.length > CHUNK_BYTES ? [joined.subarray(CHUNK_BYTES)] : [];
        pendingBytes -= CHUNK_BYTES;
      }
    }
    if (pendingBytes > 0) await write(Buffer.concat(pending));
    return { size, chunks };
  }

  async discard(uploadId: string): Promise<void> {
    await this.db.run('DELETE FROM supporting_document_uploads WHERE upload_id = ?', [uploadId]);
  }

  /**
   * Removes every upload with a chunk written before `cutoff` (ms since the epoch). Safe while
   * other instances upload as long as no live upload is that old (see UPLOAD_MAX_DURATION_MS);
   * createWithFile also refuses an upload that lost chunks. Returns the chunks removed.
   */
  async sweep(cutoff: number): Promise<number> {
    const result = await this.db.run(
      `DELETE FROM supporting_document_uploads WHERE upload_id IN
         (SELECT upload_id FROM supporting_document_uploads WHERE written_at < ?)`,
      [cutoff],
    );
    return result.changes;
  }
}
