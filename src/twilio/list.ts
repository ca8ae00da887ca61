import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ListPages } from '../list-cache/index.js';
import type { KeysetTable } from '../store/keyset.js';
import type { KeysetQuery, PageRequest, PageTokens } from './paging.js';
import { pageMeta, parsePageRequest, readPage } from './paging.js';
import { sendJson } from './reply.js';

/** One list as a resource declares it; `sendList` does the paging, tokens and JSON. */
export interface ListSpec<T> {
  /** Absolute path of the list (a nested list's path names its parent). */
  path: string;
  /** The array's key, also `meta.key`: `results` for most lists. */
  key: string;
  /**
   * The filters this request was made with, in the order sent: repeated in every paging
   * link and bound into every page token, so a token minted for one filter cannot page another.
   */
  filters?: readonly (readonly [string, string])[];
  keyOf: (row: T) => number;
  /** A list sorted on a column: that column's value, bound into tokens with the key. */
  sortOf?: (row: T) => string;
  read: (query: KeysetQuery) => Promise<T[]>;
  /** One row's JSON text. */
  json: (row: T, origin: string) => string;
  /**
   * The table every row of the page comes from, rows of the request's account only. Named, a
   * page may be sent again while that account's version stands (see src/list-cache).
   */
  reads?: KeysetTable;
}

export interface ListContext {
  tokens: PageTokens;
  origin: string;
  /**
   * At most this many bytes of items per page (LIST_PAGE_MAX_BYTES): a page of big rows comes
   * short, with a next_page_url, rather than as a response of tens of megabytes.
   */
  maxBytes: number;
  /** Pages rendered before, reused while their account's version stands; absent when off. */
  pages?: ListPages;
}

type ListRequest = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

/** The list routine, once: parse paging, open the token, read one page, link its neighbours. */
export async function sendList<T>(request: FastifyRequest, reply: FastifyReply, context: ListContext, spec: ListSpec<T>): Promise<FastifyReply> {
  const filters = spec.filters ?? [];
  // JSON, so that no filter value can make two scopes read alike.
  const scope = JSON.stringify([request.accountSid, spec.path, filters]);
  const parsed = parsePageRequest((request as ListRequest).query);
  const pageRequest = { ...parsed, cursor: parsed.token === undefined ? undefined : context.tokens.read(scope, parsed.token) };
  const pages = spec.reads && context.pages?.covers(spec.reads.table) ? context.pages : undefined;
  if (!pages) return sendJson(reply, 200, await renderPage(context, spec, scope, filters, pageRequest));
  // Read before the rows: a write committed in between makes the page newer than its version,
  // never older, so at worst it is rendered again next time.
  const version = await pages.version(request.accountSid);
  const key = `${scope}\n${context.origin}\n${parsed.pageSize}\n${parsed.page}\n${parsed.token ?? ''}`;
  const bytes = pages.cache.get(key, version);
  if (bytes) return reply.code(200).type(JSON_TYPE).send(bytes);
  const body = await renderPage(context, spec, scope, filters, pageRequest);
  const kept = pages.cache.offer(key, request.accountSid, version, body);
  return kept ? reply.code(200).type(JSON_TYPE).send(kept) : sendJson(reply, 200, body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

async function renderPage<T>(
  { tokens, origin, maxBytes }: ListContext,
  spec: ListSpec<T>,
  scope: string,
  filters: readonly (readonly [string, string])[],
  pageRequest: PageRequest,
): Promise<string> {
  // Each row is rendered once: measured for the budget, then sent.
  const rendered = new Map<T, string>();
  const render = (row: T) => {
    let json = rendered.get(row);
    if (json === undefined) rendered.set(row, (json = spec.json(row, origin)));
    return json;
  };
  const budget = { sizeOf: (row: T) => render(row).length, maxBytes };
  const page = await readPage<T>(pageRequest, spec.keyOf, spec.read, (cursor) => tokens.mint(scope, cursor), spec.sortOf, budget);
  const meta = pageMeta({ listUrl: origin + spec.path, key: spec.key, filters }, pageRequest, page.nextToken, page.previousToken);
  const items = page.rows.map(render).join(',');
  return `{${JSON.stringify(spec.key)}:[${items}],"meta":${JSON.stringify(meta)}}`;
}
