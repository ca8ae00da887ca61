import type { Db } from '../../store/db.js';
import type { PiiSealer } from '../../store/pii-seal.js';
import { piiSealer } from '../../store/pii-seal.js';
import type { KeysetQuery } from '../../twilio/paging.js';
import type { EndUserChanges, EndUserPageRow, EndUserRow, NewEndUser } from './store.js';
import { EndUserStore } from './store.js';

/**
 * The store the routes use: on PostgreSQL, attributes go in sealed and come out opened (see
 * pii-seal.ts); on SQLite, the plain store, at no cost.
 */
export function endUserStore(db: Db): EndUserStore {
  const sealer = piiSealer(db.dialect);
  return sealer.seals ? new SealedEndUserStore(db, sealer) : new EndUserStore(db);
}

class SealedEndUserStore extends EndUserStore {
  constructor(
    db: Db,
    private readonly sealer: PiiSealer,
  ) {
    super(db);
  }

  override async create(accountSid: string, user: NewEndUser): Promise<EndUserRow> {
    return this.opened(await super.create(accountSid, { ...user, attributes: this.sealer.seal(user.attributes) }));
  }

  override async find(accountSid: string, sid: string): Promise<EndUserRow | undefined> {
    const row = await super.find(accountSid, sid);
    return row && this.opened(row);
  }

  override async update(accountSid: string, sid: string, changes: EndUserChanges): Promise<EndUserRow | undefined> {
    const attributes = changes.attributes === undefined ? undefined : this.sealer.seal(changes.attributes);
    const row = await super.update(accountSid, sid, { ...changes, attributes });
    return row && this.opened(row);
  }

  override async page(accountSid: string, query: KeysetQuery, urlPrefix: string): Promise<EndUserPageRow[]> {
    return (await super.page(accountSid, query, urlPrefix)).map((row) => ({ ...row, json: this.sealer.openWithin(row.json) }));
  }

  private opened(row: EndUserRow): EndUserRow {
    return { ...row, body: this.sealer.openWithin(row.body) };
  }
}
