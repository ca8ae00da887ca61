import { LRUCache } from 'lru-cache';

interface RenderedPage {
  account: string;
  /** The account's version read before the page's rows were (see AccountVersions). */
  version: number;
  /** Bytes, encoded once: never measured or encoded again, and outside V8's heap. */
  body: Buffer;
}

export interface PageCacheOptions {
  maxBytes: number;
  /** A page not asked for again within this is dropped: personal data does not linger. */
  ttlMs: number;
}

/**
 * Rendered list pages of this instance, each valid only at the account version it was rendered
 * at: a page is sent again only while the database still answers that version, so no instance
 * sends what another instance's write has changed. A page is kept the second time it is asked
 * for (see `offer`). Bounded in bytes, least recently used first out; an account's pages are
 * dropped at once when this instance writes to it, and every page `ttlMs` after its last use.
 */
export class PageCache {
  private readonly pages: LRUCache<string, RenderedPage>;
  private readonly keysByAccount = new Map<string, Set<string>>();
  /** Keys of pages rendered but not kept, with their sizes: the last `maxBytes` of them. */
  private readonly seen: LRUCache<string, number>;
  private readonly sweep: NodeJS.Timeout;
  /** Pages sent again, and pages asked for that had to be rendered (metrics). */
  hits = 0;
  misses = 0;

  constructor({ maxBytes, ttlMs }: PageCacheOptions) {
    this.pages = new LRUCache<string, RenderedPage>({
      maxSize: maxBytes,
      // A page larger than an eighth of the cache would push out most of it: not kept.
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
      sizeCalculation: (page, key) => page.body.length + key.length,
      ttl: ttlMs,
      updateAgeOnGet: true,
      // 'set': replaced under the same key, so still held.
      dispose: (page, key, reason) => reason !== 'set' && this.unindex(page.account, key),
    });
    this.seen = new LRUCache<string, number>({ maxSize: maxBytes, sizeCalculation: (bytes) => Math.max(1, bytes), ttl: ttlMs });
    this.sweep = setInterval(() => {
      this.pages.purgeStale();
      this.seen.purgeStale();
    }, Math.max(1000, ttlMs / 2));
    this.sweep.unref();
  }

  /** The page stored under `key` if it was rendered at `version`, as bytes to send. */
  get(key: string, version: number): Buffer | undefined {
    const page = this.pages.get(key);
    if (page === undefined || page.version !== version) {
      if (page) this.pages.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return page.body;
  }

  /**
   * Keeps a page just rendered if it was asked for before, recently enough to have still been
   * held had it been kept then (within the last `maxBytes` of pages rendered): so pages asked
   * for once — a client walking a whole list — never churn the cache (each kept page costs an
   * old-generation copy and its later collection: measured, that made such walks ~30 % dearer).
   * Returns the bytes to send when kept.
   */
  offer(key: string, account: string, version: number, body: string): Buffer | undefined {
    if (!this.seen.delete(key)) {
      this.seen.set(key, body.length);
      return undefined;
    }
    const bytes = Buffer.from(body);
    this.pages.set(key, { account, version, body: bytes });
    if (!this.pages.has(key)) return bytes;
    let keys = this.keysByAccount.get(account);
    if (!keys) this.keysByAccount.set(account, (keys = new Set()));
    keys.add(key);
    return bytes;
  }

  /** Drops every page of `account` (this instance has just written to it). */
  forget(account: string): void {
    const keys = this.keysByAccount.get(account);
    if (!keys) return;
    for (const key of [...keys]) this.pages.delete(key);
  }

  get size(): number {
    return this.pages.size;
  }

  /** Bytes the kept pages hold (bodies and keys), as the byte bound counts them. */
  get bytes(): number {
    return this.pages.calculatedSize;
  }

  /** Whether any page held contains `text` (tests: deleted personal data is gone). */
  holds(text: string): boolean {
    for (const page of this.pages.values()) if (page.body.includes(text)) return true;
    return false;
  }

  close(): void {
    clearInterval(this.sweep);
    this.pages.clear();
    this.seen.clear();
  }

  private unindex(account: string, key: string): void {
    const keys = this.keysByAccount.get(account);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.keysByAccount.delete(account);
  }
}
