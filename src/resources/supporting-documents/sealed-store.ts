import type { Db } from '../../store/db.js';
import type { PiiSealer } from '../../store/pii-seal.js';
import { piiSealer } from '../../store/pii-seal.js';
import type { KeysetQuery } from '../../twilio/paging.js';
import type { StagedFile } from './staging.js';
import { UploadStaging } from './staging.js';
import type { DocumentChanges, NewDocument } from './store.js';
import { DocumentStore } from './store.js';
import type { DocumentRow } from './view.js';

/**
 * The store the routes use: on PostgreSQL, attributes (and file chunks) go in sealed and come out opened (see
 * pii-seal.ts); on SQLite, the plain store, at no cost.
 */
export function documentStore(db: Db): DocumentStore {
  const sealer = piiSealer(db.dialect);
  return sealer.seals ? new SealedDocumentStore(db, sealer) : new DocumentStore(db);
}

/** Upload staging whose chunks are stored as documentStore's are (sealed on PostgreSQL). */
export function uploadStaging(db: Db): UploadStaging {
  const sealer = piiSealer(db.dialect);
  return sealer.seals ? new UploadStaging(db, (bytes) => sealer.sealBytes(bytes)) : new UploadStaging(db);
}

class SealedDocumentStore extends DocumentStore {
  constructor(
    db: Db,
    private readonly sealer: PiiSealer,
  ) {
    super(db);
  }

  override async create(accountSid: string, doc: NewDocument): Promise<DocumentRow> {
    return this.opened(await super.create(accountSid, this.sealed(doc)));
  }

  override async createWithFile(accountSid: string, doc: NewDocument, file: StagedFile): Promise<DocumentRow> {
    return this.opened(await super.createWithFile(accountSid, this.sealed(doc), file));
  }

  override async find(accountSid: string, sid: string): Promise<DocumentRow | undefined> {
    const row = await super.find(accountSid, sid);
    return row && this.opened(row);
  }

  override async update(accountSid: string, sid: string, changes: DocumentChanges): Promise<DocumentRow | undefined> {
    const attributes = changes.attributes === undefined ? undefined : this.sealer.seal(changes.attributes);
    const row = await super.update(accountSid, sid, { ...changes, attributes });
    return row && this.opened(row);
  }

  override async page(accountSid: string, query: KeysetQuery): Promise<DocumentRow[]> {
    return (await super.page(accountSid, query)).map((row) => this.opened(row));
  }

  override async chunkAfter(sid: string, seq: number): Promise<{ seq: number; bytes: Buffer } | undefined> {
    const chunk = await super.chunkAfter(sid, seq);
    return chunk && { seq: chunk.seq, bytes: this.sealer.openBytes(chunk.bytes) };
  }

  private sealed(doc: NewDocument): NewDocument {
    return { ...doc, attributes: this.sealer.seal(doc.attributes) };
  }

  private opened(row: DocumentRow): DocumentRow {
    return { ...row, attributes: this.sealer.open(row.attributes) };
  }
}
