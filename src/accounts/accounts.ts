import type { Db } from '../store/db.js';
import { twilioDate } from '../twilio/dates.js';
import { isSid, newSid } from '../twilio/sid.js';
import { hashSecret, newAuthToken, newKeySecret } from './secrets.js';
import type { TokenVault } from './vault.js';
import { vaultFromEnvironment } from './vault.js';

/** Accounts and API keys: what the CLI and the server's start-up manage. Secrets are hashed. */
export interface AccountView {
  sid: string;
  friendly_name: string;
  date_created: string;
  date_updated: string;
}

export interface ApiKeyView {
  sid: string;
  account_sid: string;
  friendly_name: string;
  date_created: string;
}

const ACCOUNT_COLUMNS = 'sid, friendly_name, date_created, date_updated';
const KEY_COLUMNS = 'sid, account_sid, friendly_name, date_created';

export class InvalidInputError extends Error {}

export class Accounts {
  constructor(
    private readonly db: Db,
    private readonly vault: () => TokenVault = () => vaultFromEnvironment(),
  ) {}

  list(): Promise<AccountView[]> {
    return this.db.all<AccountView>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY date_created, sid`);
  }

  count(): Promise<number> {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM accounts').then((r) => Number(r?.n ?? 0));
  }

  /** Creates the account, or sets the token (and name, when given) of an existing one. */
  async upsert(options: { sid?: string; token?: string; friendlyName?: string }): Promise<AccountView & { auth_token: string }> {
    const sid = options.sid ?? newSid('AC');
    if (!isSid(sid, 'AC')) throw new InvalidInputError(`not an Account SID: ${sid} (AC + 32 hex digits)`);
    const token = options.token ?? newAuthToken();
    if (token.length < 8 || token.length > 256) throw new InvalidInputError('an auth token has 8 to 256 characters');
    const now = twilioDate();
    const row = await this.db.get<AccountView>(
      `INSERT INTO accounts (sid, friendly_name, auth_token_hash, auth_token_sealed, date_created, date_updated)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sid) DO UPDATE SET auth_token_hash = excluded.auth_token_hash, auth_token_sealed = excluded.auth_token_sealed,
         friendly_name = COALESCE(?, accounts.friendly_name), date_updated = excluded.date_updated
       RETURNING ${ACCOUNT_COLUMNS}`,
      [sid, options.friendlyName ?? `Account ${sid}`, await hashSecret(token), this.vault().seal(token), now, now, options.friendlyName ?? null],
    );
    return { ...row!, auth_token: token };
  }

  async rotateToken(sid: string): Promise<(AccountView & { auth_token: string }) | null> {
    const token = newAuthToken();
    const row = await this.db.get<AccountView>(
      `UPDATE accounts SET auth_token_hash = ?, auth_token_sealed = ?, date_updated = ? WHERE sid = ? RETURNING ${ACCOUNT_COLUMNS}`,
      [await hashSecret(token), this.vault().seal(token), twilioDate(), sid],
    );
    return row ? { ...row, auth_token: token } : null;
  }

  async createKey(accountSid: string, friendlyName?: string): Promise<(ApiKeyView & { secret: string }) | null> {
    const account = await this.db.get('SELECT sid FROM accounts WHERE sid = ?', [accountSid]);
    if (!account) return null;
    const secret = newKeySecret();
    const sid = newSid('SK');
    const row = await this.db.get<ApiKeyView>(
      `INSERT INTO api_keys (sid, account_sid, friendly_name, secret_hash, date_created)
       VALUES (?, ?, ?, ?, ?) RETURNING ${KEY_COLUMNS}`,
      [sid, accountSid, friendlyName ?? sid, await hashSecret(secret), twilioDate()],
    );
    return { ...row!, secret };
  }

  listKeys(accountSid?: string): Promise<ApiKeyView[]> {
    return accountSid
      ? this.db.all<ApiKeyView>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE account_sid = ? ORDER BY date_created, sid`, [accountSid])
      : this.db.all<ApiKeyView>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY account_sid, date_created, sid`);
  }

  async deleteKey(sid: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM api_keys WHERE sid = ?', [sid])).changes > 0;
  }

  /**
   * The account's auth token, to sign its status callbacks with; undefined when it was set
   * before tokens were sealed, or under another secrets key (set the token again to fix).
   */
  async signingToken(accountSid: string, q: Pick<Db, 'get'> = this.db): Promise<string | undefined> {
    const row = await q.get<{ sealed: string }>('SELECT auth_token_sealed AS sealed FROM accounts WHERE sid = ?', [accountSid]);
    return row ? this.vault().open(row.sealed) : undefined;
  }

  /** Seals a verified token for an account that has none sealed yet (see signingToken). */
  async tokenVerified(accountSid: string, token: string): Promise<void> {
    await this.db.run("UPDATE accounts SET auth_token_sealed = ? WHERE sid = ? AND auth_token_sealed = ''", [this.vault().seal(token), accountSid]);
  }

  /** The stored hash behind a username (Account SID or API key SID), for authentication. */
  findCredential(username: string): Promise<{ account_sid: string; hash: string } | undefined> {
    if (username.startsWith('SK')) {
      return this.db.get('SELECT account_sid, secret_hash AS hash FROM api_keys WHERE sid = ?', [username]);
    }
    return this.db.get('SELECT sid AS account_sid, auth_token_hash AS hash FROM accounts WHERE sid = ?', [username]);
  }
}
