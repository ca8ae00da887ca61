import { MACHINE_NAME } from '../../catalogue/schema.js';
import type { TransferRow, TransferTable } from '../../transfer/table.js';
import { checkDates, checkSid } from '../../transfer/table.js';

function isJson(text: unknown, test: (value: unknown) => boolean): boolean {
  if (typeof text !== 'string') return false;
  try {
    return test(JSON.parse(text));
  } catch {
    return false;
  }
}

const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

function checkDocument(row: TransferRow): string | undefined {
  return (
    checkSid(row, 'sid', 'RD') ??
    checkSid(row, 'account_sid', 'AC') ??
    (typeof row.type === 'string' && MACHINE_NAME.test(row.type) ? undefined : 'type must be a Supporting Document Type machine name') ??
    (isJson(row.attributes, isObject) ? undefined : 'attributes must be the text of a JSON object') ??
    (row.errors === null || isJson(row.errors, Array.isArray) ? undefined : 'errors must be null or the text of a JSON array') ??
    ((row.mime_type === null) === (row.file_size === null) ? undefined : 'mime_type and file_size are both set (a file) or both null') ??
    checkDates(row, 'date_created', 'date_updated')
  );
}

/**
 * Documents move like end users (with their `id` unless renumbered; attributes as the exact
 * stored text). Their files follow them, chunk by chunk as stored, so a file comes back byte for
 * byte; chunks are up to 64 KiB, so they are read and written a few at a time.
 */
export const supportingDocumentTables: readonly TransferTable[] = [
  {
    kind: 'supporting_document',
    table: 'supporting_documents',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'sid', type: 'text' },
      { name: 'account_sid', type: 'text' },
      { name: 'friendly_name', type: 'text' },
      { name: 'type', type: 'text' },
      { name: 'attributes', type: 'text', sealed: true },
      { name: 'mime_type', type: 'text', nullable: true },
      { name: 'file_size', type: 'integer', nullable: true },
      { name: 'status', type: 'text' },
      { name: 'failure_reason', type: 'text', nullable: true },
      { name: 'errors', type: 'text', nullable: true },
      { name: 'date_created', type: 'text' },
      { name: 'date_updated', type: 'text' },
    ],
    key: 'sid',
    orderBy: 'id',
    identity: 'id',
    validate: checkDocument,
  },
  {
    kind: 'supporting_document_file',
    table: 'supporting_document_files',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'document_sid', type: 'text' },
      { name: 'seq', type: 'integer' },
      { name: 'bytes', type: 'bytes', sealed: true },
    ],
    key: ['document_sid', 'seq'],
    orderBy: 'id',
    identity: 'id',
    rowsPerChunk: 16,
    validate: (row) => checkSid(row, 'document_sid', 'RD') ?? ((row.bytes as Uint8Array).length > 0 ? undefined : 'bytes must not be empty'),
  },
];
