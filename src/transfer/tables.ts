import { accountTables } from '../accounts/transfer.js';
import { lifecycleTables } from '../lifecycle/transfer.js';
import { resources } from '../resources/index.js';
import { webhookTables } from '../webhooks/transfer.js';
import type { TransferTable } from './table.js';

/**
 * Service-wide settings; today only the key that signs page tokens. A store that already has a
 * setting keeps its own value (instances running on it hold that value in memory).
 */
const settingsTable: TransferTable = {
  kind: 'setting',
  table: 'settings',
  columns: [
    { name: 'key', type: 'text' },
    { name: 'value', type: 'text' },
  ],
  key: 'key',
  orderBy: 'key',
  keepExisting: true,
};

/** Every table export writes, in the order import needs them: parents before children. */
export const transferTables: readonly TransferTable[] = [
  settingsTable,
  ...accountTables,
  ...resources.flatMap((r) => r.transfer),
  ...lifecycleTables,
  ...webhookTables,
];
