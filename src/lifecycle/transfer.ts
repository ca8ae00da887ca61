import type { TransferTable } from '../transfer/table.js';
import { checkSid } from '../transfer/table.js';
import { historyTables } from './history.js';
import { isReviewPolicy } from './policy.js';

/** Accounts' review settings and bundles' status histories travel with the store (a bundle's schedule is on its row). */
export const lifecycleTables: readonly TransferTable[] = [
  {
    kind: 'review_setting',
    table: 'review_settings',
    columns: [
      { name: 'account_sid', type: 'text' },
      { name: 'policy', type: 'text' },
      { name: 'in_review_after_ms', type: 'integer' },
      { name: 'decision_after_ms', type: 'integer' },
    ],
    key: 'account_sid',
    orderBy: 'account_sid',
    validate: (row) => checkSid(row, 'account_sid', 'AC') ?? (isReviewPolicy(String(row.policy)) ? undefined : 'policy must be a review policy'),
  },
  ...historyTables,
];
