import { DUMMY_HASH, verifySecret } from '../accounts/secrets.js';
import { errors } from './errors.js';

export interface CredentialSource {
  /** The stored secret hash behind an Account SID or API key SID, and the account it opens. */
  findCredential(username: string): Promise<{ account_sid: string; hash: string } | undefined>;
}

interface Verdict {
  accountSid: string | null;
  /** The stored hash the verdict was reached against (null: no such username). */
  storedHash: string | null;
  checkedAt: number;
}

const MAX_HEADER_LENGTH = 1024;

/**
 * HTTP Basic authentication with Account SID + Auth Token or API key SID + secret.
 *
 * scrypt makes a cold check cost tens of milliseconds, so verdicts (good and bad) are cached
 * per Authorization header. A verdict older than `ttlMs` is revalidated with one cheap read
 * of the stored hash: unchanged, it stands; changed (rotated, deleted, created), the secret is
 * checked again. So credential changes made by any process take effect within `ttlMs`.
 * An unknown username is checked against a dummy hash: it costs what a wrong secret costs.
 */
export class Authenticator {
  private readonly verdicts = new Map<string, Verdict>();
  private readonly pending = new Map<string, Promise<Verdict>>();

  constructor(
    private readonly source: CredentialSource,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** Resolves to the authenticated account's SID, or rejects with Twilio's 401. */
  async authenticate(header: string | undefined): Promise<string> {
    if (!header || !/^basic /i.test(header)) throw errors.noCredentials();
    let verdict = this.verdicts.get(header);
    if (!verdict || Date.now() - verdict.checkedAt >= this.ttlMs) {
      verdict = await this.revalidate(header, verdict);
    }
    if (verdict.accountSid === null) throw errors.badCredentials();
    return verdict.accountSid;
  }

  /** Forgets every verdict (tests, and operators after an emergency revocation). */
  clear(): void {
    this.verdicts.clear();
  }

  private revalidate(header: string, previous: Verdict | undefined): Promise<Verdict> {
    let promise = this.pending.get(header);
    if (!promise) {
      // Concurrent requests with one header share one check.
      promise = this.check(header, previous).finally(() => this.pending.delete(header));
      this.pending.set(header, promise);
    }
    return promise;
  }

  private async check(header: string, previous: Verdict | undefined): Promise<Verdict> {
    const [username, secret] = decodeBasic(header);
    const credential = username ? await this.source.findCredential(username) : undefined;
    const storedHash = credential?.hash ?? null;
    let accountSid: string | null;
    if (previous && previous.storedHash === storedHash) {
      accountSid = previous.accountSid;
    } else {
      const valid = await verifySecret(secret ?? '', storedHash ?? DUMMY_HASH);
      accountSid = valid && credential ? credential.account_sid : null;
    }
    const verdict = { accountSid, storedHash, checkedAt: Date.now() };
    this.remember(header, verdict);
    return verdict;
  }

  private remember(header: string, verdict: Verdict): void {
    this.verdicts.delete(header);
    if (this.verdicts.size >= this.maxEntries) {
      const oldest = this.verdicts.keys().next().value;
      if (oldest !== undefined) this.verdicts.delete(oldest);
    }
    this.verdicts.set(header, verdict);
  }
}

function decodeBasic(header: string): [string | undefined, string | undefined] {
  if (header.length > MAX_HEADER_LENGTH) return [undefined, undefined];
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return [undefined, undefined];
  const username = decoded.slice(0, colon);
  if (!/^(AC|SK)[0-9a-fA-F]{32}$/.test(username)) return [undefined, undefined];
  return [username, decoded.slice(colon + 1)];
}
