import { API_PREFIX } from '../../twilio/urls.js';

export const SUPPORTING_DOCUMENTS_PATH = `${API_PREFIX}/SupportingDocuments`;

/** A document's stored columns, as every read returns them. */
export interface DocumentRow {
  /** Internal, increasing row key: list order and page-token bound. */
  id: number;
  sid: string;
  account_sid: string;
  friendly_name: string;
  type: string;
  /** Validated, compacted JSON object text, served as is. */
  attributes: string;
  /** The uploaded file's content type; null when the document has no file. */
  mime_type: string | null;
  file_size: number | null;
  status: string;
  failure_reason: string | null;
  /** JSON array text, or null. */
  errors: string | null;
  date_created: string;
  date_updated: string;
}

export const DOCUMENT_COLUMNS =
  'id, sid, account_sid, friendly_name, type, attributes, mime_type, file_size, status, failure_reason, errors, date_created, date_updated';

/**
 * The Supporting Document JSON, in the OpenAPI document's key order. Built here rather than in
 * SQL: several columns are nullable, and SQL string concatenation with a NULL differs by dialect.
 */
export function documentJson(row: DocumentRow, origin: string): string {
  const q = JSON.stringify;
  return (
    `{"sid":${q(row.sid)},"account_sid":${q(row.account_sid)},"friendly_name":${q(row.friendly_name)}` +
    `,"mime_type":${q(row.mime_type)},"status":${q(row.status)},"failure_reason":${q(row.failure_reason)}` +
    `,"errors":${row.errors ?? 'null'},"type":${q(row.type)},"attributes":${row.attributes}` +
    `,"date_created":${q(row.date_created)},"date_updated":${q(row.date_updated)}` +
    `,"url":${q(`${origin}${SUPPORTING_DOCUMENTS_PATH}/${row.sid}`)}}`
  );
}
