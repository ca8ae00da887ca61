import { API_PREFIX } from '../../twilio/urls.js';
import type { EvaluationRow } from './store.js';

export const evaluationsPath = (bundleSid: string) => `${API_PREFIX}/Bundles/${bundleSid}/Evaluations`;

/** Twilio's Evaluation JSON, in the OpenAPI document's key order: no date_updated. */
export function evaluationJson(row: EvaluationRow, origin: string): string {
  const head = JSON.stringify({ sid: row.sid, account_sid: row.account_sid, regulation_sid: row.regulation_sid, bundle_sid: row.bundle_sid, status: row.status });
  const tail = JSON.stringify({ date_created: row.date_created, url: `${origin}${evaluationsPath(row.bundle_sid)}/${row.sid}` });
  // The stored results text goes in as it is.
  return `${head.slice(0, -1)},"results":${row.results},${tail.slice(1)}`;
}
