/** The bundle statuses, in Twilio's enum order, and which ones a request may ask for. */
export const BUNDLE_STATUSES = ['draft', 'pending-review', 'in-review', 'twilio-rejected', 'twilio-approved', 'provisionally-approved'] as const;
export type BundleStatus = (typeof BUNDLE_STATUSES)[number];

/**
 * What a client may move a bundle to, and from where (Twilio documents only the submit): submit
 * a draft, resubmit a rejected bundle, withdraw one still pending review. Review outcomes are
 * Twilio's (here: the review policy, the CLI and the control API).
 */
export const CLIENT_TRANSITIONS: Readonly<Partial<Record<BundleStatus, readonly BundleStatus[]>>> = {
  'pending-review': ['draft', 'twilio-rejected'],
  draft: ['pending-review'],
};

/** Deletable statuses (DOCS-BUNDLES: draft, twilio-approved, twilio-rejected); else 21647. */
export const DELETABLE: readonly BundleStatus[] = ['draft', 'twilio-approved', 'twilio-rejected'];

export function isBundleStatus(value: string): value is BundleStatus {
  return (BUNDLE_STATUSES as readonly string[]).includes(value);
}

/** A bundle as stored. */
export interface BundleRow {
  id: number;
  sid: string;
  account_sid: string;
  regulation_sid: string;
  iso_country: string;
  number_type: string;
  end_user_type: string;
  friendly_name: string;
  status: BundleStatus;
  /** '' when unset. */
  valid_until: string;
  email: string;
  /** '' when unset. */
  status_callback: string;
  is_test: number;
  /** '' when none: why the review rejected it, sent in status callbacks. */
  failure_reason: string;
  /** '' for the account's or store's policy. */
  review_policy: string;
  /** The scheduled review step ('' none): `in-review` or `decide`, due at review_due_ms. */
  review_step: string;
  review_due_ms: number;
  /** '' unless this bundle is a Copy: the bundle it was copied from. */
  copied_from: string;
  date_created: string;
  date_updated: string;
}
