import type { TransferTable } from '../transfer/table.js';
import { checkDates, checkSid } from '../transfer/table.js';

const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/;

/**
 * Accounts and API keys move with their stored secret hashes, so every Auth Token and API key
 * secret keeps working on the store they are imported into. (An export file is therefore as
 * sensitive as the database itself.)
 */
export const accountTables: readonly TransferTable[] = [
  {
    kind: 'account',
    table: 'accounts',
    columns: [
      { name: 'sid', type: 'text' },
      { name: 'friendly_name', type: 'text' },
      { name: 'auth_token_hash', type: 'text' },
      { name: 'date_created', type: 'text' },
      { name: 'date_updated', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'sid',
    validate: (row) =>
      checkSid(row, 'sid', 'AC') ??
      (SCRYPT_HASH.test(String(row.auth_token_hash)) ? undefined : 'auth_token_hash is not a regcomp scrypt hash') ??
      checkDates(row, 'date_created', 'date_updated'),
  },
  {
    kind: 'api_key',
    table: 'api_keys',
    columns: [
      { name: 'sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'friendly_name', type: 'text' },
      { name: 'secret_hash', type: 'text' },
      { name: 'date_created', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'sid',
    validate: (row) =>
      checkSid(row, 'sid', 'SK') ??
      checkSid(row, 'account_sid', 'AC') ??
      (SCRYPT_HASH.test(String(row.secret_hash)) ? undefined : 'secret_hash is not a regcomp scrypt hash') ??
      checkDates(row, 'date_created'),
  },
];
