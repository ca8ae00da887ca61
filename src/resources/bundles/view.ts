import { API_PREFIX } from '../../twilio/urls.js';
import type { BundleRow } from './bundle.js';

export const BUNDLES_PATH = `${API_PREFIX}/Bundles`;

/** Twilio's Bundle JSON, in the OpenAPI document's key order; '' columns are null. */
export function bundleJson(row: BundleRow, origin: string): string {
  const url = `${origin}${BUNDLES_PATH}/${row.sid}`;
  return JSON.stringify({
    ...bundleCopyFields(row),
    url,
    links: { evaluations: `${url}/Evaluations`, item_assignments: `${url}/ItemAssignments`, bundle_copies: `${url}/Copies` },
  });
}

/** The ten fields Copies and ReplaceItems answer with: no url, no links. */
export function bundleCopyFields(row: BundleRow) {
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    regulation_sid: row.regulation_sid,
    friendly_name: row.friendly_name,
    status: row.status,
    valid_until: row.valid_until || null,
    email: row.email,
    status_callback: row.status_callback || null,
    date_created: row.date_created,
    date_updated: row.date_updated,
  };
}
