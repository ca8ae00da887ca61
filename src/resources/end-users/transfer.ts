import type { TransferTable } from '../../transfer/table.js';
import { checkDates, checkSid } from '../../transfer/table.js';
import { END_USER_TYPES } from './rules.js';

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * End users move with their `id` (list order and page-token bound) unless import is told to
 * renumber; `attributes` moves as the exact stored text, since it is served as is.
 */
export const endUserTables: readonly TransferTable[] = [
  {
    kind: 'end_user',
    table: 'end_users',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'friendly_name', type: 'text' },
      { name: 'type', type: 'text' },
      { name: 'attributes', type: 'text' },
      { name: 'date_created', type: 'text' },
      { name: 'date_updated', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'id',
    identity: 'id',
    validate: (row) =>
      checkSid(row, 'sid', 'IT') ??
      checkSid(row, 'account_sid', 'AC') ??
      ((END_USER_TYPES as readonly unknown[]).includes(row.type) ? undefined : `type must be one of ${END_USER_TYPES.join(', ')}`) ??
      (isJsonObjectText(String(row.attributes)) ? undefined : 'attributes must be the text of a JSON object') ??
      checkDates(row, 'date_created', 'date_updated'),
  },
];
