import { Accounts } from './accounts/accounts.js';
import type { Config } from './config.js';
import type { Db } from './store/db.js';

/**
 * Makes sure someone can sign in: the account named by TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN
 * exists with that token; failing those, a fresh store gets one new account, whose
 * credentials are returned once so they can be shown to the person who started the server.
 */
export async function ensureAccount(db: Db, config: Config): Promise<{ sid: string; token: string } | undefined> {
  const accounts = new Accounts(db);
  if (config.bootstrapAccountSid && config.bootstrapAuthToken) {
    // Nothing is written when the account already has this token: a start changes nothing it
    // need not (and a store on a full disk still starts).
    if ((await accounts.signingToken(config.bootstrapAccountSid)) === config.bootstrapAuthToken) return undefined;
    await accounts.upsert({ sid: config.bootstrapAccountSid, token: config.bootstrapAuthToken });
    return undefined;
  }
  if ((await accounts.count()) > 0) return undefined;
  const created = await accounts.upsert({ friendlyName: 'Default account' });
  return { sid: created.sid, token: created.auth_token };
}
