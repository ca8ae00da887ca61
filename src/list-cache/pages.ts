import { LRUCache } from 'lru-cache';

interface RenderedPage {
  account: string;
  /** The account's version read before the page's rows were (see AccountVersions). */
  version: number;
  /** Text when stored; bytes once sent again (encoded once, then never measured or encoded). */
  body: string | Buffer;
}

export interface PageCacheOptions {
  maxBytes: number;
  /** A page not asked for again within this is dropped: personal data does not linger. */
  ttlMs: number;
}

/**
 * Rendered list pages of this instance, each valid only at the account version it was rendered
 * at: a page is sent again only while the database still answers that version, so no instance
 * sends what another instance's write has changed. Bounded in bytes, least recently used first
 * out; an account's pages are dropped at once when this instance writes to it, and every page
 * within `ttlMs` of its last use.
 */
export class PageCache {
  private readonly pages: LRUCache<string, RenderedPage>;
  private readonly keysByAccount = new Map<string, Set<string>>();
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
      // 'set': replaced under the same key (by its own bytes), so still held.
      dispose: (page, key, reason) => reason !== 'set' && this.unindex(page.account, key),
    });
    this.sweep = setInterval(() => this.pages.purgeStale(), Math.max(1000, ttlMs / 2));
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
    if (typeof page.body !== 'string') return page.body;
    const bytes = Buffer.from(page.body);
    // A new entry, so that its size becomes its byte length.
    this.pages.set(key, { ...page, body: bytes });
    return bytes;
  }

  set(key: string, account: string, version: number, body: string): void {
    if (!this.pages.set(key, { account, version, body }).has(key)) return;
    let keys = this.keysByAccount.get(account);
    if (!keys) this.keysByAccount.set(account, (keys = new Set()));
    keys.add(key);
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

  /** Whether any page held contains `text` (tests: deleted personal data is gone). */
  holds(text: string): boolean {
    for (const page of this.pages.values()) if (page.body.includes(text)) return true;
    return false;
  }

  close(): void {
    clearInterval(this.sweep);
    this.pages.clear();
  }

  private unindex(account: string, key: string): void {
    const keys = this.keysByAccount.get(account);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.keysByAccount.delete(account);
  }
}
