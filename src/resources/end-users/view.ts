import type { EndUserRow } from './store.js';

export const END_USERS_PATH = '/v2/RegulatoryCompliance/EndUsers';

/**
 * The End-User JSON, written directly: `attributes` is stored as compacted JSON text and
 * spliced in as is, so it is never parsed or re-serialized on the way out.
 */
export function endUserJson(row: EndUserRow, origin: string): string {
  return (
    `{"sid":"${row.sid}","account_sid":"${row.account_sid}","friendly_name":${JSON.stringify(row.friendly_name)}` +
    `,"type":${JSON.stringify(row.type)},"attributes":${row.attributes}` +
    `,"date_created":"${row.date_created}","date_updated":"${row.date_updated}"` +
    `,"url":"${origin}${END_USERS_PATH}/${row.sid}"}`
  );
}
