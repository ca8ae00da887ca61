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

/**
 * The End-User JSON except its url, written by the database itself in one string per row
 * (building it there is cheaper than handing eight columns to JavaScript and joining them
 * here). Every column is text; `attributes` is stored as validated, compacted JSON and goes
 * in as is. Both dialects' string quoting matches JSON.stringify (tested).
 */
export function endUserBodySql(dialect: Dialect): string {
  const quote = (column: string) => (dialect === 'sqlite' ? `json_quote(${column})` : `to_json(${column})::text`);
  return (
    `'{"sid":"' || sid || '","account_sid":"' || account_sid || '","friendly_name":' || ${quote('friendly_name')}` +
    ` || ',"type":' || ${quote('type')} || ',"attributes":' || attributes` +
    ` || ',"date_created":"' || date_created || '","date_updated":"' || date_updated || '"'`
  );
}

/** The End-User JSON: the stored body, and the url, which depends on how it was reached. */
export function endUserJson(row: EndUserRow, origin: string): string {
  return `${row.body},"url":"${origin}${END_USERS_PATH}/${row.sid}"}`;
}
