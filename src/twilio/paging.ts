import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { errors } from './errors.js';

/**
 * Twilio-style list paging over a keyset.
 *
 * Rows are listed in ascending order of an immutable, increasing row key (creation order).
 * A token is an exclusive bound on that key: `PA…` (next: keys after it) or `PB…` (previous:
 * keys before it), sealed with the list's scope (account, path, filters) as associated data.
 * A token cannot be read or forged, nor replayed against another account, list or filter,
 * and a page costs one index range scan however deep it is. Because the bound is a key, not
 * an offset, rows created or deleted between requests never shift a surviving row.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export type Direction = 'next' | 'previous';

export interface PageCursor {
  direction: Direction;
  /** Exclusive bound on the row key. */
  key: number;
  /** For a list sorted on a column: that column's value at the bound (the key breaks ties). */
  sort?: string;
}

export interface PageRequest {
  pageSize: number;
  page: number;
  token: string | undefined;
  cursor: PageCursor | undefined;
}


const PREFIX: Record<Direction, string> = { next: 'PA', previous: 'PB' };
const DIGITS = /^\d{1,9}$/;
const KEY = /^\d{1,15}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Tokens remembered each way (a few hundred bytes each). */
const TOKENS_REMEMBERED = 4096;
const TOKEN_MAX = 256;

/**
 * Tokens are sealed (AES-256-GCM): the bound inside is a store-wide row key, which would
 * tell one tenant how many rows every other tenant creates, so it is encrypted as well as
 * authenticated. The list's scope is the associated data: a token opens only for the
 * account, path and filters it was minted for. The IV is synthetic (an HMAC of everything
 * sealed), so the same page always gets the same token, on every instance and after an
 * export/import, and different pages never share an IV.
 */
export class PageTokens {
  private readonly key: Buffer;
  private readonly ivKey: Buffer;
  /**
   * Sealing is deterministic, so each direction's answer can be remembered exactly: a page
   * asked for again (every poll of a first page, every deep page walked twice) costs neither
   * an HMAC nor a cipher. Keyed by the scope and cursor (minted) or the scope and token (read).
   */
  private readonly minted = new LRUCache<string, string>({ max: TOKENS_REMEMBERED });
  private readonly opened = new LRUCache<string, PageCursor>({ max: TOKENS_REMEMBERED });

  constructor(secret: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'regcomp page tokens', 32));
    this.ivKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'regcomp page token ivs', 32));
  }

  mint(scope: string, cursor: PageCursor): string {
    // Everything sealed, as the IV's input: also what the token is remembered by.
    const sealed = `${scope}\n${cursor.direction}\n${cursor.key}\n${cursor.sort ?? ''}`;
    let token = this.minted.get(sealed);
    if (token === undefined) this.minted.set(sealed, (token = this.seal(scope, cursor, sealed)));
    return token;
  }

  read(scope: string, token: string): PageCursor {
    if (token.length > TOKEN_MAX) throw errors.invalidPageToken();
    const remembered = `${scope}\n${token}`;
    let cursor = this.opened.get(remembered);
    // Only tokens that open are remembered: garbage sent over and over costs its check each time.
    if (cursor === undefined) this.opened.set(remembered, (cursor = this.open(scope, token)));
    // A copy: callers may not change what the next reader is given.
    return { ...cursor };
  }

  private seal(scope: string, cursor: PageCursor, everything: string): string {
    const iv = createHmac('sha256', this.ivKey)
      .update(everything)
      .digest()
      .subarray(0, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${scope}\n${cursor.direction}`));
    const plain = cursor.sort === undefined ? String(cursor.key) : `${cursor.key}\n${cursor.sort}`;
    const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return PREFIX[cursor.direction] + sealed.toString('base64url');
  }

  private open(scope: string, token: string): PageCursor {
    const direction = token.startsWith('PA') ? 'next' : token.startsWith('PB') ? 'previous' : undefined;
    if (!direction) throw errors.invalidPageToken();
    const sealed = Buffer.from(token.slice(2), 'base64url');
    if (sealed.length <= IV_BYTES + TAG_BYTES) throw errors.invalidPageToken();
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${scope}\n${direction}`));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw errors.invalidPageToken();
    }
    const newline = plain.indexOf('\n');
    const key = newline === -1 ? plain : plain.slice(0, newline);
    if (!KEY.test(key)) throw errors.invalidPageToken();
    return newline === -1 ? { direction, key: Number(key) } : { direction, key: Number(key), sort: plain.slice(newline + 1) };
  }
}

/** Reads PageSize, Page and PageToken from a query string; the token is checked later. */
export function parsePageRequest(query: Record<string, string | undefined>): Omit<PageRequest, 'cursor'> {
  return {
    pageSize: parsePageSize(query.PageSize),
    page: parsePageNumber(query.Page),
    token: query.PageToken === undefined || query.PageToken === '' ? undefined : query.PageToken,
  };
}

function parsePageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(raw)) throw errors.invalidParameter('PageSize', 'must be a whole number from 1 to 1000');
  if (raw.length > 4 || Number(raw) > MAX_PAGE_SIZE) throw errors.pageSizeTooLarge();
  const size = Number(raw);
  if (size < 1) throw errors.invalidParameter('PageSize', 'must be a whole number from 1 to 1000');
  return size;
}

function parsePageNumber(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (!DIGITS.test(raw)) throw errors.invalidParameter('Page', 'must be a whole number from 0');
  return Number(raw);
}

export interface PageLinks {
  /** Absolute URL of the list, without a query string. */
  listUrl: string;
  /** Query parameters the list was filtered by, repeated in every link. */
  filters?: readonly (readonly [string, string])[];
  key: string;
}

/** Builds Twilio's `meta` block for one page. */
export function pageMeta(
  links: PageLinks,
  request: PageRequest,
  nextToken: string | null,
  previousToken: string | null,
): Record<string, unknown> {
  const { pageSize, page } = request;
  const link = (pageNumber: number, token: string | undefined): string => {
    const params = new URLSearchParams(links.filters?.map(([name, value]): [string, string] => [name, value]));
    params.set('PageSize', String(pageSize));
    params.set('Page', String(pageNumber));
    if (token !== undefined) params.set('PageToken', token);
    return `${links.listUrl}?${params.toString()}`;
  };
  return {
    page,
    page_size: pageSize,
    first_page_url: link(0, undefined),
    previous_page_url: previousToken === null ? null : link(Math.max(page - 1, 0), previousToken),
    url: link(page, request.token),
    next_page_url: nextToken === null ? null : link(page + 1, nextToken),
    key: links.key,
  };
}

/** How a store reads one slice of a keyset, in key order or in reverse. */
export interface KeysetQuery {
  /** Exclusive lower bound (ascending) or upper bound (descending). */
  bound: number | undefined;
  /** With a sorted list: the sort column's value at the bound, compared before the key. */
  sortBound?: string;
  descending: boolean;
  limit: number;
}

/** An item of an in-memory list with its key: its 1-based position. */
export interface Keyed<T> {
  key: number;
  item: T;
}

/**
 * What a store would answer for `query` over a fixed, in-memory list (a catalogue loaded at
 * start), keyed by position; descending slices come in descending order, as from SQL.
 */
export function keysetOfList<T>(items: readonly T[], query: KeysetQuery): Keyed<T>[] {
  const keyed = (start: number, end: number) => items.slice(start, end).map((item, i) => ({ key: start + i + 1, item }));
  if (query.descending) {
    // Keys below the bound: indexes below bound - 1.
    const end = Math.max(Math.min(query.bound ?? Infinity, items.length + 1) - 1, 0);
    return keyed(Math.max(end - query.limit, 0), end).reverse();
  }
  const start = Math.min(Math.max(query.bound ?? 0, 0), items.length);
  return keyed(start, start + query.limit);
}

/** What one page may cost: rows past `maxBytes` of their JSON go to the next page. */
export interface PageBudget<T> {
  sizeOf: (row: T) => number;
  maxBytes: number;
}

/** How many of `rows`, in order, fit the budget; always at least one. */
function withinBudget<T>(rows: readonly T[], { sizeOf, maxBytes }: PageBudget<T>): number {
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    total += sizeOf(rows[i]!) + 1;
    if (total > maxBytes && i > 0) return i;
  }
  return rows.length;
}

/**
 * Reads one page through `read`, asking for one row more than the page holds to learn
 * whether a page follows, and mints the neighbouring tokens.
 */
export async function readPage<T>(
  request: PageRequest,
  keyOf: (row: T) => number,
  read: (query: KeysetQuery) => Promise<T[]>,
  mint: (cursor: PageCursor) => string,
  sortOf?: (row: T) => string,
  budget?: PageBudget<T>,
): Promise<{ rows: T[]; nextToken: string | null; previousToken: string | null }> {
  const { pageSize, cursor } = request;
  const descending = cursor?.direction === 'previous';
  let rows = await read({ bound: cursor?.key, sortBound: cursor?.sort, descending, limit: pageSize + 1 });
  let more = rows.length > pageSize;
  if (more) rows.length = pageSize;
  if (budget) {
    // Rows come nearest the bound first: keep as many of those as the budget allows.
    const kept = withinBudget(rows, budget);
    more ||= kept < rows.length;
    rows = rows.slice(0, kept);
  }
  if (descending) rows.reverse();
  const hasNext = descending ? true : more;
  const hasPrevious = cursor === undefined ? false : descending ? more : true;
  const first = rows[0];
  const last = rows[rows.length - 1];
  // An empty page reached by a token still links back to where it came from.
  // (With a sort column, the same holds for the pair (sort, key): the key moves, the sort stays.)
  const at = (row: T | undefined, shift: number): Omit<PageCursor, 'direction'> | undefined => {
    if (row !== undefined) return sortOf ? { key: keyOf(row), sort: sortOf(row) } : { key: keyOf(row) };
    if (!cursor) return undefined;
    return cursor.sort === undefined ? { key: cursor.key + shift } : { key: cursor.key + shift, sort: cursor.sort };
  };
  const nextBound = at(last, -1);
  const previousBound = at(first, +1);
  return {
    rows,
    nextToken: hasNext && nextBound !== undefined ? mint({ direction: 'next', ...nextBound }) : null,
    previousToken: hasPrevious && previousBound !== undefined ? mint({ direction: 'previous', ...previousBound }) : null,
  };
}
