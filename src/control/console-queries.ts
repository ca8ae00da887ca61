import type { FastifyInstance, FastifyRequest } from 'fastify';
import { statusHistory } from '../lifecycle/history.js';
import type { Db, SqlValue } from '../store/db.js';
import { errors } from '../twilio/errors.js';
import type { PageTokens } from '../twilio/paging.js';
import { notFound, sendJson, sidParam } from '../twilio/reply.js';
import { refuseOtherMethods } from '../twilio/routes.js';

/** Rows of the account's end users one search request may look at, matching or not. */
export const SEARCH_SCAN_BUDGET = 5000;
const SEARCH_PAGE_DEFAULT = 20;
const SEARCH_PAGE_MAX = 100;
const SEARCH_TEXT_MAX = 64;

type Query = Record<string, string | undefined>;

/**
 * What the public API lacks and the console needs, each a small read scoped to the caller's
 * account: End-Users searched by FriendlyName, the account's API keys (never their secrets),
 * and a bundle's status history.
 */
export function registerConsoleQueries(app: FastifyInstance, { db, tokens }: { db: Db; tokens: PageTokens }): void {
  app.get('/EndUsers/Search', async (request, reply) => {
    const q = request.query as Query;
    const text = searchText(q.FriendlyName);
    // Sealed like every page token: the row id stays private, and a token serves only this search.
    const scope = JSON.stringify([request.accountSid, 'EndUsers/Search', text]);
    const before = q.PageToken === undefined || q.PageToken === '' ? Number.MAX_SAFE_INTEGER : tokens.read(scope, q.PageToken).key;
    const found = await searchEndUsers(db, request.accountSid, text, pageSize(q.PageSize), before);
    const next = found.next === undefined ? null : tokens.mint(scope, { direction: 'next', key: found.next });
    return sendJson(reply, 200, JSON.stringify({ end_users: found.end_users, next_page_token: next }));
  });

  app.get('/ApiKeys', async (request, reply) => {
    const keys = await db.all('SELECT sid, friendly_name, date_created FROM api_keys WHERE account_sid = ? ORDER BY date_created, sid', [request.accountSid]);
    return sendJson(reply, 200, JSON.stringify({ api_keys: keys }));
  });

  app.get('/Bundles/:sid/StatusHistory', async (request: FastifyRequest<{ Params: { sid: string } }>, reply) => {
    const sid = sidParam(request, 'BU');
    const bundle = await db.get('SELECT sid FROM bundles WHERE sid = ? AND account_sid = ?', [sid, request.accountSid]);
    if (!bundle) throw notFound(request);
    return sendJson(reply, 200, JSON.stringify({ bundle_sid: sid, history: await statusHistory(db, sid, request.accountSid) }));
  });

  refuseOtherMethods(app, '/EndUsers/Search', ['GET']);
  refuseOtherMethods(app, '/ApiKeys', ['GET']);
  refuseOtherMethods(app, '/Bundles/:sid/StatusHistory', ['GET']);
}

export interface SearchPage {
  end_users: { sid: string; friendly_name: string; type: string; date_created: string }[];
  /** The id to go on below (the rows this request looked at); undefined: nothing is left. */
  next: number | undefined;
}

/**
 * A substring match no index can serve, so each request looks at a bounded window: at most
 * SEARCH_SCAN_BUDGET of the account's end users (newest first, one range scan of
 * (account_sid, id)), and hands back a token that goes on below it. A rare name in 100,000
 * rows costs a few cheap requests, never one unbounded one.
 */
export async function searchEndUsers(db: Db, accountSid: string, text: string, size: number, before: number): Promise<SearchPage> {
  const sql = SEARCH_SQL[db.dialect];
  const edgeRow = await db.get<{ id: number }>(sql.edge, sql.edgeParams(accountSid, before));
  const edge = edgeRow ? Number(edgeRow.id) : 0;
  const rows = await db.all<{ id: number; sid: string; friendly_name: string; type: string; date_created: string }>(
    sql.matches,
    sql.matchParams(accountSid, before, edge, likePattern(text), size + 1),
  );
  const page = rows.slice(0, size);
  // More matches than asked for: go on below the last one shown. Else below the window, if any.
  const next = rows.length > size ? Number(page[page.length - 1]!.id) : edge > 0 ? edge : undefined;
  return {
    end_users: page.map(({ sid, friendly_name, type, date_created }) => ({ sid, friendly_name, type, date_created })),
    next,
  };
}

/** Contains `text`, with LIKE's own wildcards taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// In any case: SQLite's LIKE folds ASCII letters only, PostgreSQL's ILIKE every letter.
const MATCH = { sqlite: "friendly_name LIKE ? ESCAPE '\\'", postgres: "friendly_name ILIKE ? ESCAPE '\\'" };
const SEARCH_COLUMNS = 'id, sid, friendly_name, type, date_created';

/**
 * Both statements walk the (account_sid, id) index backwards from the token: the window's edge
 * (the budget-th row below it), then the matches between the token and the edge. SQLite is
 * told the index; PostgreSQL gets row-value bounds, which only that index can serve (as in
 * store/keyset.ts). Their plans are checked by console-queries.test.
 */
export const SEARCH_SQL: Record<Db['dialect'], {
  edge: string;
  edgeParams: (account: string, before: number) => SqlValue[];
  matches: string;
  matchParams: (account: string, before: number, edge: number, pattern: string, limit: number) => SqlValue[];
}> = {
  sqlite: {
    edge: 'SELECT id FROM end_users INDEXED BY end_users_account_id WHERE account_sid = ? AND id < ? ORDER BY id DESC LIMIT 1 OFFSET ?',
    edgeParams: (account, before) => [account, before, SEARCH_SCAN_BUDGET - 1],
    matches: `SELECT ${SEARCH_COLUMNS} FROM end_users INDEXED BY end_users_account_id
      WHERE account_sid = ? AND id < ? AND id >= ? AND ${MATCH.sqlite} ORDER BY id DESC LIMIT ?`,
    matchParams: (account, before, edge, pattern, limit) => [account, before, edge, pattern, limit],
  },
  postgres: {
    edge: `SELECT id FROM end_users WHERE (account_sid, id) < (?, ?) AND (account_sid, id) > (?, 0)
      ORDER BY account_sid DESC, id DESC LIMIT 1 OFFSET ?`,
    edgeParams: (account, before) => [account, before, account, SEARCH_SCAN_BUDGET - 1],
    matches: `SELECT ${SEARCH_COLUMNS} FROM end_users WHERE (account_sid, id) < (?, ?) AND (account_sid, id) >= (?, ?) AND ${MATCH.postgres}
      ORDER BY account_sid DESC, id DESC LIMIT ?`,
    matchParams: (account, before, edge, pattern, limit) => [account, before, account, edge, pattern, limit],
  },
};

function searchText(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw errors.missingParameter('FriendlyName');
  if (raw.length > SEARCH_TEXT_MAX) throw errors.invalidParameter('FriendlyName', `must be at most ${SEARCH_TEXT_MAX} characters`);
  return raw.trim();
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return SEARCH_PAGE_DEFAULT;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > SEARCH_PAGE_MAX) {
    throw errors.invalidParameter('PageSize', `must be a whole number from 1 to ${SEARCH_PAGE_MAX}`);
  }
  return Number(raw);
}
