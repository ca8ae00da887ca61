import type { TransferTable } from '../../transfer/table.js';
import { checkDates, checkSid } from '../../transfer/table.js';
import { MACHINE_NAME } from '../../catalogue/schema.js';

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
      { name: 'attributes', type: 'text', sealed: true },
      { name: 'date_created', type: 'text' },
      { name: 'date_updated', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'id',
    identity: 'id',
    validate: (row) =>
      checkSid(row, 'sid', 'IT') ??
      checkSid(row, 'account_sid', 'AC') ??
      // Any catalogue's machine name: the target server's catalogue decides what it accepts next.
      (typeof row.type === 'string' && MACHINE_NAME.test(row.type) ? undefined : 'type must be an End-User Type machine name') ??
      (isJsonObjectText(String(row.attributes)) ? undefined : 'attributes must be the text of a JSON object') ??
      checkDates(row, 'date_created', 'date_updated'),
  },
];
