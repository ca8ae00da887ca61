import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Migration } from '../store/db.js';
import { PageCache } from './pages.js';
import type { PageCacheOptions } from './pages.js';
import { AccountVersions, accountVersionsMigration, versionTriggersMigration } from './versions.js';

export { PageCache } from './pages.js';

/** The version table, and the triggers on each listed table (a list's table gets them by being listed). */
export function listCacheMigrations(tables: readonly string[]): Migration[] {
  return [accountVersionsMigration, ...[...new Set(tables)].map(versionTriggersMigration)];
}

/** An onResponse hook: any request but a read drops the account's pages (of this instance). */
export function forgetPagesOnWrite(cache: PageCache) {
  return (request: FastifyRequest, _reply: FastifyReply, done: () => void): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.accountSid) cache.forget(request.accountSid);
    done();
  };
}

/** What a list needs to send a page again: the account's version now, and the pages held. */
export interface ListPages {
  readonly cache: PageCache;
  /** Whether pages of lists reading `table` may be reused (its triggers are in place). */
  covers(table: string): boolean;
  version(accountSid: string): Promise<number>;
}

/**
 * The instance's rendered pages, or undefined when LIST_CACHE_BYTES is 0. Refuses to start
 * when a listed table lacks its triggers: its pages would go stale without anyone knowing.
 */
export async function openListPages(db: Db, tables: readonly string[], options: PageCacheOptions): Promise<ListPages | undefined> {
  if (options.maxBytes === 0) return undefined;
  const versions = new AccountVersions(db);
  const missing = await versions.untriggered(tables);
  if (missing.length > 0) throw new Error(`the list cache needs the account-version triggers on ${missing.join(', ')}; set LIST_CACHE_BYTES=0 to run without it`);
  const covered = new Set(tables);
  return { cache: new PageCache(options), covers: (table) => covered.has(table), version: (accountSid) => versions.read(accountSid) };
}
