import { ScryptAbandonedError } from '../accounts/scrypt.js';
import { DUMMY_HASH, verifySecret } from '../accounts/secrets.js';
import { errors } from './errors.js';
import type { ClientContext } from './limits.js';
import { TokenBuckets } from './limits.js';

export interface CredentialSource {
  /** The stored secret hash behind an Account SID or API key SID, and the account it opens. */
  findCredential(username: string): Promise<{ account_sid: string; hash: string } | undefined>;
  /**
   * Called once an account's own auth token was verified (not cached): lets the store keep it
   * sealed, to sign status callbacks, for accounts made before tokens were sealed.
   */
  tokenVerified?(accountSid: string, token: string): Promise<void>;
}

interface Verdict {
  accountSid: string | null;
  /** The stored hash the verdict was reached against (null: no such username). */
  storedHash: string | null;
  checkedAt: number;
}

const MAX_HEADER_LENGTH = 1024;

export interface AuthenticatorOptions {
  /** Verdicts of each kind kept at most (valid and failed are kept apart). */
  maxEntries?: number;
  /** Failed authentications per minute per client address, and per username (bursts as many). */
  failuresPerMinute?: number;
  /** Secret checks (scrypt) waiting or running at most; beyond it, 429. */
  queueLimit?: number;
}

/**
 * HTTP Basic authentication with Account SID + Auth Token or API key SID + secret.
 *
 * scrypt makes a cold check cost tens of milliseconds, so verdicts are cached per
 * Authorization header. A valid verdict is trusted for `ttlMs`, then revalidated with one
 * cheap read of the stored hash: unchanged, it stands; changed, the secret is checked again
 * (so a revocation takes effect within `ttlMs`). A failed verdict is never trusted without that
 * read, so a credential created or rotated by any process works at once. An unknown username
 * is checked against a dummy hash: it costs what a wrong secret costs.
 *
 * Abuse: failed authentications are limited per client address and per username (429 with
 * Retry-After, decided before any work); at most `queueLimit` secret checks wait at once (429
 * beyond); a check whose every requester has disconnected is dropped before it runs; and valid
 * verdicts are kept apart from failed ones, so a flood of bad headers never evicts them — a
 * client with a cached valid verdict is answered from memory whatever else is going on.
 */
export class Authenticator {
  private readonly valid = new Map<string, Verdict>();
  private readonly failed = new Map<string, Verdict>();
  private readonly pending = new Map<string, { promise: Promise<Verdict>; waiters: (() => boolean)[] }>();
  private readonly failuresByClient: TokenBuckets;
  private readonly failuresByUsername: TokenBuckets;
  private readonly maxEntries: number;
  private readonly queueLimit: number;
  private checking = 0;

  constructor(
    private readonly source: CredentialSource,
    private readonly ttlMs: number,
    options: AuthenticatorOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.queueLimit = options.queueLimit ?? 64;
    const perMinute = options.failuresPerMinute ?? 100;
    this.failuresByClient = new TokenBuckets(perMinute, perMinute / 60);
    this.failuresByUsername = new TokenBuckets(perMinute, perMinute / 60);
  }

  /** Resolves to the authenticated account's SID, or rejects with Twilio's 401 (or 429). */
  async authenticate(header: string | undefined, context: ClientContext = NO_CLIENT): Promise<string> {
    if (!header || !/^basic /i.test(header)) throw errors.noCredentials();
    const known = this.valid.get(header);
    if (known && Date.now() - known.checkedAt < this.ttlMs) return known.accountSid!;
    const [username, secret] = decodeBasic(header);
    // Over a failure budget: refused before any work. A header that was valid is exempt: its
    // revalidation is one read, and its client must not pay for someone else's attack.
    if (!known) {
      const wait = Math.max(this.failuresByClient.wait(context.client), username ? this.failuresByUsername.wait(username) : 0);
      if (wait > 0) throw errors.tooManyRequests(wait);
    }
    const verdict = await this.revalidate(header, username, secret, known ?? this.failed.get(header), context);
    if (verdict.accountSid === null) {
      this.failuresByClient.take(context.client);
      if (username) this.failuresByUsername.take(username);
      throw errors.badCredentials();
    }
    return verdict.accountSid;
  }

  /** Forgets every verdict (tests, and operators after an emergency revocation). */
  clear(): void {
    this.valid.clear();
    this.failed.clear();
  }

  private revalidate(
    header: string,
    username: string | undefined,
    secret: string | undefined,
    previous: Verdict | undefined,
    context: ClientContext,
  ): Promise<Verdict> {
    const entry = this.pending.get(header);
    if (entry) {
      entry.waiters.push(context.gone);
      return entry.promise;
    }
    // Concurrent requests with one header share one check; it is dropped only if all have gone.
    const waiters = [context.gone];
    const abandoned = () => waiters.every((gone) => gone());
    const promise = this.check(header, username, secret, previous, abandoned).finally(() => this.pending.delete(header));
    this.pending.set(header, { promise, waiters });
    return promise;
  }

  private async check(
    header: string,
    username: string | undefined,
    secret: string | undefined,
    previous: Verdict | undefined,
    abandoned: () => boolean,
  ): Promise<Verdict> {
    const credential = username ? await this.source.findCredential(username) : undefined;
    const storedHash = credential?.hash ?? null;
    let accountSid: string | null;
    if (previous && previous.storedHash === storedHash) {
      accountSid = previous.accountSid;
    } else {
      if (this.checking >= this.queueLimit) throw errors.tooManyRequests(1);
      this.checking++;
      try {
        const valid = await verifySecret(secret ?? '', storedHash ?? DUMMY_HASH, abandoned);
        accountSid = valid && credential ? credential.account_sid : null;
        if (accountSid !== null && username === accountSid) await this.source.tokenVerified?.(accountSid, secret ?? '');
      } catch (err) {
        if (err instanceof ScryptAbandonedError) throw errors.clientGone();
        throw err;
      } finally {
        this.checking--;
      }
    }
    const verdict = { accountSid, storedHash, checkedAt: Date.now() };
    this.remember(header, verdict);
    return verdict;
  }

  private remember(header: string, verdict: Verdict): void {
    // An over-long header is never valid, and is not worth its memory.
    if (header.length > MAX_HEADER_LENGTH) return;
    this.valid.delete(header);
    this.failed.delete(header);
    const map = verdict.accountSid === null ? this.failed : this.valid;
    if (map.size >= this.maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    map.set(header, verdict);
  }
}

const NO_CLIENT: ClientContext = { client: '', gone: () => false };

function decodeBasic(header: string): [string | undefined, string | undefined] {
  if (header.length > MAX_HEADER_LENGTH) return [undefined, undefined];
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return [undefined, undefined];
  const username = decoded.slice(0, colon);
  if (!/^(AC|SK)[0-9a-fA-F]{32}$/.test(username)) return [undefined, undefined];
  return [username, decoded.slice(colon + 1)];
}
