import type { Dialect } from '../../store/db.js';
import { API_PREFIX } from '../../twilio/urls.js';

export const END_USERS_PATH = `${API_PREFIX}/EndUsers`;

/** An end user as the store reads it for a response. */
export interface EndUserRow {
  /** Internal, increasing row key: list order and page-token bound. */
  id: number;
  sid: string;
  type: string;
  /** The resource's JSON up to (not including) its `url` field and closing brace. */
  body: string;
}

/** An end user as a list page reads it: its whole JSON, url included. */
export interface EndUserPageRow {
  id: number;
  json: string;
}

/**
 * The End-User JSON except its url, as one format() template and its arguments. Every column is
 * text; `attributes` is stored as validated, compacted JSON and goes in as is. Both dialects'
 * string quoting matches JSON.stringify (tested). One format() call writes the string in one
 * pass, where a chain of `||` copies it once per join (a 51-row page read measured 97 → 70 µs).
 */
function bodyFormat(dialect: Dialect): { template: string; args: string } {
  const quote = (column: string) => (dialect === 'sqlite' ? `json_quote(${column})` : `to_json(${column})::text`);
  return {
    template: '{"sid":"%s","account_sid":"%s","friendly_name":%s,"type":%s,"attributes":%s,"date_created":"%s","date_updated":"%s"',
    args: `sid, account_sid, ${quote('friendly_name')}, ${quote('type')}, attributes, date_created, date_updated`,
  };
}

/** SQL for the End-User JSON except its url, written by the database in one string per row. */
export function endUserBodySql(dialect: Dialect): string {
  const { template, args } = bodyFormat(dialect);
  return `format('${template}', ${args})`;
}

/**
 * SQL for the whole End-User JSON, url included: its one `?` is the URL prefix
 * (`${origin}${END_USERS_PATH}/`). A list page's rows then need no work in JavaScript
 * but joining them.
 */
export function endUserJsonSql(dialect: Dialect): string {
  const { template, args } = bodyFormat(dialect);
  return `format('${template},"url":"%s%s"}', ${args}, CAST(? AS TEXT), sid)`;
}

/** The End-User JSON: the stored body, and the url, which depends on how it was reached. */
export function endUserJson(row: EndUserRow, origin: string): string {
  return `${row.body},"url":"${origin}${END_USERS_PATH}/${row.sid}"}`;
}

/** What endUserJsonSql's placeholder takes for answers reached through `origin`. */
export function endUserUrlPrefix(origin: string): string {
  return `${origin}${END_USERS_PATH}/`;
}
