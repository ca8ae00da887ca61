import { API_PREFIX } from '../../twilio/urls.js';
import type { AssignmentRow } from './store.js';

export const assignmentsPath = (bundleSid: string) => `${API_PREFIX}/Bundles/${bundleSid}/ItemAssignments`;

/** Twilio's Item Assignment JSON: no date_updated. */
export function assignmentJson(row: AssignmentRow, origin: string): string {
  return JSON.stringify({
    sid: row.sid,
    bundle_sid: row.bundle_sid,
    account_sid: row.account_sid,
    object_sid: row.object_sid,
    date_created: row.date_created,
    url: `${origin}${assignmentsPath(row.bundle_sid)}/${row.sid}`,
  });
}
