import { MACHINE_NAME } from '../../catalogue/schema.js';
import type { TransferTable } from '../../transfer/table.js';
import { checkDates, checkSid } from '../../transfer/table.js';
import { BUNDLE_STATUSES } from './bundle.js';

/** Bundles move with their `id` (list order and page-token bound), like end users. */
export const bundleTables: readonly TransferTable[] = [
  {
    kind: 'bundle',
    table: 'bundles',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'regulation_sid', type: 'text' },
      { name: 'iso_country', type: 'text' },
      { name: 'number_type', type: 'text' },
      { name: 'end_user_type', type: 'text' },
      { name: 'friendly_name', type: 'text' },
      { name: 'status', type: 'text' },
      { name: 'valid_until', type: 'text' },
      { name: 'email', type: 'text' },
      { name: 'status_callback', type: 'text' },
      { name: 'is_test', type: 'integer' },
      { name: 'failure_reason', type: 'text' },
      { name: 'review_policy', type: 'text' },
      { name: 'review_step', type: 'text' },
      { name: 'review_due_ms', type: 'integer' },
      { name: 'copied_from', type: 'text' },
      { name: 'date_created', type: 'text' },
      { name: 'date_updated', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'id',
    identity: 'id',
    validate: (row) =>
      checkSid(row, 'sid', 'BU') ??
      checkSid(row, 'account_sid', 'AC') ??
      checkSid(row, 'regulation_sid', 'RN') ??
      ((BUNDLE_STATUSES as readonly string[]).includes(String(row.status)) ? undefined : 'status must be a Bundle status') ??
      (MACHINE_NAME.test(String(row.end_user_type)) ? undefined : 'end_user_type must be a machine name') ??
      (row.valid_until === '' ? undefined : checkDates(row, 'valid_until')) ??
      checkDates(row, 'date_created', 'date_updated'),
  },
];
