import type { TransferTable } from '../../transfer/table.js';
import { checkDates, checkSid } from '../../transfer/table.js';

/** Assignments move after their bundles, end users and documents (their foreign keys). */
export const itemAssignmentTables: readonly TransferTable[] = [
  {
    kind: 'item_assignment',
    table: 'item_assignments',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'bundle_sid', type: 'text' },
      { name: 'end_user_sid', type: 'text', nullable: true },
      { name: 'supporting_document_sid', type: 'text', nullable: true },
      { name: 'date_created', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'id',
    identity: 'id',
    validate: (row) =>
      checkSid(row, 'sid', 'BV') ??
      checkSid(row, 'account_sid', 'AC') ??
      checkSid(row, 'bundle_sid', 'BU') ??
      ((row.end_user_sid === null) === (row.supporting_document_sid === null) ? 'exactly one of end_user_sid, supporting_document_sid' : undefined) ??
      checkDates(row, 'date_created'),
  },
];
