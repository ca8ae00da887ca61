import type { TransferTable } from '../transfer/table.js';
import { checkDates, checkSid } from '../transfer/table.js';

/** The outbox travels whole: a pending callback is delivered by the importing store's servers. */
export const webhookTables: readonly TransferTable[] = [
  {
    kind: 'status_callback',
    table: 'status_callbacks',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'bundle_sid', type: 'text' },
      { name: 'url', type: 'text' },
      { name: 'method', type: 'text' },
      { name: 'params', type: 'text' },
      { name: 'state', type: 'text' },
      { name: 'attempts', type: 'integer' },
      { name: 'next_attempt_ms', type: 'integer' },
      { name: 'last_response_code', type: 'integer' },
      { name: 'date_created', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'id',
    identity: 'id',
    validate: (row) =>
      checkSid(row, 'sid', 'WH') ??
      checkSid(row, 'account_sid', 'AC') ??
      (['pending', 'delivered', 'failed'].includes(String(row.state)) ? undefined : 'state must be pending, delivered or failed') ??
      checkDates(row, 'date_created'),
  },
  {
    kind: 'callback_attempt',
    table: 'callback_attempts',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'callback_sid', type: 'text' },
      { name: 'attempt', type: 'integer' },
      { name: 'date_started', type: 'text' },
      { name: 'duration_ms', type: 'integer' },
      { name: 'response_code', type: 'integer' },
      { name: 'error', type: 'text' },
    ],
    key: ['callback_sid', 'attempt'],
    orderBy: 'id',
    identity: 'id',
    validate: (row) => checkSid(row, 'callback_sid', 'WH') ?? checkDates(row, 'date_started'),
  },
];
