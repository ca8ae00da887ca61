/**
 * What happens to a bundle after it is submitted: a review policy, set for the store
 * (REVIEW_POLICY), overridable per account and per bundle (control API, CLI).
 * - `manual`: it stays pending review until someone decides (control API, CLI);
 * - `approve` / `reject`: in review after the first delay, decided after the second;
 * - `evaluate`: like approve, but approved only if an evaluation of its items is compliant,
 *   else rejected with a failure reason built from the failing results.
 * A test bundle (IsTest) is always rejected, as at Twilio, whatever the policy.
 */
export const REVIEW_POLICIES = ['manual', 'evaluate', 'approve', 'reject'] as const;
export type ReviewPolicy = (typeof REVIEW_POLICIES)[number];

export interface ReviewSettings {
  policy: ReviewPolicy;
  /** pending-review → in-review after this long. */
  inReviewAfterMs: number;
  /** in-review → the decision after this long. */
  decisionAfterMs: number;
}

export function isReviewPolicy(value: string): value is ReviewPolicy {
  return (REVIEW_POLICIES as readonly string[]).includes(value);
}

export const TEST_BUNDLE_REASON = 'Test Bundles are rejected automatically (IsTest=true)';
export const REJECT_POLICY_REASON = 'Rejected by the review policy `reject`';
