import type { Db } from '../../store/db.js';
import { KeysetPages } from '../../store/keyset.js';
import type { KeysetTable } from '../../store/keyset.js';
import { TurnBatcher } from '../../store/turn-batcher.js';
import type { KeysetQuery } from '../../twilio/paging.js';
import type { EndUserPageRow, EndUserRow } from './view.js';
import { endUserBodySql, endUserJsonSql } from './view.js';

export type { EndUserPageRow, EndUserRow } from './view.js';

/** Every list page is one range scan of (account_sid, id). */
export const END_USERS_LIST: KeysetTable = { table: 'end_users', index: 'end_users_account_id', scope: ['account_sid'] };

export interface NewEndUser {
  sid: string;
  friendlyName: string;
  type: string;
  attributes: string;
  now: string;
}

interface NewRow {
  accountSid: string;
  user: NewEndUser;
}

export interface EndUserChanges {
  friendlyName: string | undefined;
  attributes: string | undefined;
  now: string;
}

/** End-user queries. Every one is scoped by account: another account's SID matches nothing. */
export class EndUserStore {
  /** What every read returns: see EndUserRow. */
  private readonly columns: string;

  /**
   * Where the database does not group a turn's writes itself (PostgreSQL), the creates of one
   * turn are written by one multi-row INSERT. (On SQLite, whose group commit already shares the
   * transaction, single-row statements measured cheaper.)
   */
  private readonly creates: TurnBatcher<NewRow, EndUserRow> | undefined;

  /** Pages read each row's whole JSON (see endUserJsonSql). */
  private readonly pages: KeysetPages<EndUserPageRow>;

  /**
   * The hot statements' text, built once: a string made afresh for every request would be
   * hashed and compared whole each time the driver looks its prepared statement up.
   */
  private readonly sql: { find: string; update: string; insertOne: string };

  constructor(private readonly db: Db) {
    this.columns = `id, sid, type, ${endUserBodySql(db.dialect)} AS body`;
    this.sql = {
      find: `SELECT ${this.columns} FROM end_users WHERE sid = ? AND account_sid = ?`,
      update: `UPDATE end_users SET friendly_name = COALESCE(?, friendly_name), attributes = COALESCE(?, attributes),
         date_updated = ? WHERE sid = ? AND account_sid = ? RETURNING ${this.columns}`,
      insertOne: this.insertSql(1),
    };
    this.pages = new KeysetPages(db, END_USERS_LIST, `id, ${endUserJsonSql(db.dialect)} AS json`);
    this.creates = db.groupsWrites ? undefined : new TurnBatcher((row) => this.insertOne(row), (rows) => this.insert(rows));
  }

  create(accountSid: string, user: NewEndUser): Promise<EndUserRow> {
    const row = { accountSid, user };
    return this.creates ? this.creates.add(row) : this.insertOne(row);
  }

  private async insertOne(row: NewRow): Promise<EndUserRow> {
    return (await this.insert([row]))[0]!;
  }

  private async insert(rows: readonly NewRow[]): Promise<EndUserRow[]> {
    // In account order: each row's account version is locked at COMMIT in row order
    // (src/list-cache), so two instances' batches lock them in one order and cannot deadlock.
    const ordered = rows.length === 1 ? rows : [...rows].sort((x, y) => (x.accountSid < y.accountSid ? -1 : x.accountSid > y.accountSid ? 1 : 0));
    const params = ordered.flatMap(({ accountSid, user: u }) => [u.sid, accountSid, u.friendlyName, u.type, u.attributes, u.now, u.now]);
    const inserted = await this.db.all<EndUserRow>(rows.length === 1 ? this.sql.insertOne : this.insertSql(rows.length), params);
    // RETURNING's order is not promised: match each row to its request by SID.
    const bySid = new Map(inserted.map((row) => [row.sid, row]));
    return rows.flatMap(({ user }) => bySid.get(user.sid) ?? []);
  }

  private insertSql(count: number): string {
    const values = Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
    return `INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated)
       VALUES ${values} RETURNING ${this.columns}`;
  }

  find(accountSid: string, sid: string): Promise<EndUserRow | undefined> {
    return this.db.get<EndUserRow>(this.sql.find, [sid, accountSid]);
  }

  /** One statement, so racing updates each land whole: the last write wins. */
  update(accountSid: string, sid: string, changes: EndUserChanges): Promise<EndUserRow | undefined> {
    return this.db.get<EndUserRow>(this.sql.update, [changes.friendlyName ?? null, changes.attributes ?? null, changes.now, sid, accountSid]);
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM end_users WHERE sid = ? AND account_sid = ?', [sid, accountSid])).changes > 0;
  }

  /** One page of the account's end users, their urls starting `urlPrefix`: see KeysetPages. */
  page(accountSid: string, query: KeysetQuery, urlPrefix: string): Promise<EndUserPageRow[]> {
    return this.pages.read([accountSid], query, { columnParams: [urlPrefix] });
  }
}
