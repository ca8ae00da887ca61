import type { Db } from '../../store/db.js';
import type { KeysetQuery } from '../../twilio/paging.js';

export interface EndUserRow {
  id: number;
  sid: string;
  account_sid: string;
  friendly_name: string;
  type: string;
  /** Compacted JSON object text, exactly as it is served. */
  attributes: string;
  date_created: string;
  date_updated: string;
}

export interface NewEndUser {
  sid: string;
  friendlyName: string;
  type: string;
  attributes: string;
  now: string;
}

export interface EndUserChanges {
  friendlyName: string | undefined;
  attributes: string | undefined;
  now: string;
}

const COLUMNS = 'id, sid, account_sid, friendly_name, type, attributes, date_created, date_updated';

/** End-user queries. Every one is scoped by account: another account's SID matches nothing. */
export class EndUserStore {
  constructor(private readonly db: Db) {}

  async create(accountSid: string, user: NewEndUser): Promise<EndUserRow> {
    const row = await this.db.get<EndUserRow>(
      `INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
      [user.sid, accountSid, user.friendlyName, user.type, user.attributes, user.now, user.now],
    );
    return row!;
  }

  find(accountSid: string, sid: string): Promise<EndUserRow | undefined> {
    return this.db.get<EndUserRow>(`SELECT ${COLUMNS} FROM end_users WHERE sid = ? AND account_sid = ?`, [sid, accountSid]);
  }

  /** One statement, so racing updates each land whole: the last write wins. */
  update(accountSid: string, sid: string, changes: EndUserChanges): Promise<EndUserRow | undefined> {
    return this.db.get<EndUserRow>(
      `UPDATE end_users SET friendly_name = COALESCE(?, friendly_name), attributes = COALESCE(?, attributes),
         date_updated = ? WHERE sid = ? AND account_sid = ? RETURNING ${COLUMNS}`,
      [changes.friendlyName ?? null, changes.attributes ?? null, changes.now, sid, accountSid],
    );
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM end_users WHERE sid = ? AND account_sid = ?', [sid, accountSid])).changes > 0;
  }

  page(accountSid: string, query: KeysetQuery): Promise<EndUserRow[]> {
    if (query.descending) {
      return this.db.all<EndUserRow>(
        `SELECT ${COLUMNS} FROM end_users WHERE account_sid = ? AND id < ? ORDER BY id DESC LIMIT ?`,
        [accountSid, query.bound ?? Number.MAX_SAFE_INTEGER, query.limit],
      );
    }
    return this.db.all<EndUserRow>(
      `SELECT ${COLUMNS} FROM end_users WHERE account_sid = ? AND id > ? ORDER BY id LIMIT ?`,
      [accountSid, query.bound ?? 0, query.limit],
    );
  }
}
