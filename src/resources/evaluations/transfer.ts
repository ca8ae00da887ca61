import type { TransferTable } from '../../transfer/table.js';
import { checkDates, checkSid } from '../../transfer/table.js';

/** The evaluation history, results as the stored JSON text. */
export const evaluationTables: readonly TransferTable[] = [
  {
    kind: 'evaluation',
    table: 'evaluations',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'bundle_sid', type: 'text' },
      { name: 'regulation_sid', type: 'text' },
      { name: 'status', type: 'text' },
      { name: 'results', type: 'text' },
      { name: 'date_created', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'id',
    identity: 'id',
    validate: (row) =>
      checkSid(row, 'sid', 'EL') ??
      checkSid(row, 'account_sid', 'AC') ??
      checkSid(row, 'bundle_sid', 'BU') ??
      (['compliant', 'noncompliant'].includes(String(row.status)) ? undefined : 'status must be compliant or noncompliant') ??
      checkDates(row, 'date_created'),
  },
];
