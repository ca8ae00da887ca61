import { REVIEW_POLICIES } from '../lifecycle/policy.js';
import { FAULT_LIMITS, FAULT_METHODS, FAULT_TYPES } from '../faults/rule.js';
import { BUNDLE_STATUSES } from '../resources/bundles/bundle.js';
import type { FormField, RouteDoc, Schema } from './operation.js';

/**
 * regcomp's control API (src/control/routes.ts) as the reference documents it: one
 * declaration per route. test/reference.test.ts fails until a new control route has one.
 */
const TAG = 'RegcompControl';
const bundle: Schema = { $ref: '#/components/schemas/numbers.v2.regulatory_compliance.bundle' };
const bundleSid = { Sid: 'The Bundle’s SID (BU…), in the authenticated account' };
const noBundle = { 404: '20404: no such Bundle in this account' };

const settingsProperties = {
  policy: { type: 'string', enum: [...REVIEW_POLICIES] },
  in_review_after_ms: { type: 'integer', description: 'pending-review → in-review after this long' },
  decision_after_ms: { type: 'integer', description: 'in-review → the decision after this long' },
};
const settings: Schema = { type: 'object', required: Object.keys(settingsProperties), properties: settingsProperties };

const attempt: Schema = {
  type: 'object',
  properties: {
    attempt: { type: 'integer' },
    date_started: { type: 'string', format: 'date-time' },
    duration_ms: { type: 'integer' },
    response_code: { type: 'integer', description: '0 when no HTTP answer came' },
    error: { type: 'string', description: "Why it failed; '' when it did not" },
  },
};
const callback: Schema = {
  type: 'object',
  properties: {
    sid: { type: 'string' },
    url: { type: 'string', format: 'uri' },
    method: { type: 'string', enum: ['GET', 'POST'] },
    params: { type: 'object', description: 'The parameters sent (signed with X-Twilio-Signature)' },
    state: { type: 'string', description: 'pending, delivered or failed' },
    attempts: { type: 'array', items: attempt },
    last_response_code: { type: 'integer' },
    date_created: { type: 'string', format: 'date-time' },
  },
};

const validUntil = (description: string, required = false): FormField => ({ schema: { type: 'string', example: '2030-01-31T00:00:00Z' }, description, required });
const milliseconds = (description: string): FormField => ({ schema: { type: 'integer', minimum: 0, maximum: 30 * 86_400_000, example: 1000 }, description });
const clock: Schema = {
  type: 'object',
  required: ['now', 'now_ms', 'run'],
  properties: {
    now: { type: 'string', format: 'date-time' },
    now_ms: { type: 'integer', description: 'The same, in epoch milliseconds' },
    run: { type: 'integer', description: 'Which start of the server on this store (each draws its own SIDs)' },
  },
};
const nullableInteger = { type: 'integer', nullable: true };
const fault: Schema = {
  type: 'object',
  required: ['sid', 'account_sid', 'type', 'probability', 'latency_ms', 'applied', 'date_created', 'url'],
  properties: {
    sid: { type: 'string', description: 'FT…' },
    account_sid: { type: 'string' },
    type: { type: 'string', enum: [...FAULT_TYPES] },
    method: { type: 'string', nullable: true, description: 'null: every method' },
    path: { type: 'string', nullable: true, description: 'null: every /v2 path' },
    count: { ...nullableInteger, description: 'null: until cleared' },
    remaining: { ...nullableInteger, description: 'Uses left of count' },
    probability: { type: 'number' },
    latency_ms: { type: 'integer' },
    retry_after: { ...nullableInteger, description: 'Seconds, for too-many-requests and service-unavailable' },
    applied: { type: 'integer', description: 'How many requests it has hit' },
    date_created: { type: 'string', format: 'date-time' },
    url: { type: 'string', format: 'uri' },
  },
};
const faultSid = { Sid: 'The fault rule’s SID (FT…), in the authenticated account' };
const noFault = { 404: '20404: no such fault rule in this account' };
const clockOff = '20403: deterministic mode is off (start with DETERMINISTIC_SEED=<seed>)';
const invalidMs = '20001: a delay that is not whole milliseconds, or over 30 days';

export const controlApi: readonly RouteDoc[] = [
  {
    method: 'POST',
    path: '/regcomp/Bundles/{Sid}/Review',
    tag: TAG,
    summary: 'Decide a Bundle’s review, as Twilio’s reviewer would',
    description: 'Moves the Bundle to any status (callbacks fire as for a real review), with a failure reason and valid_until.',
    params: bundleSid,
    form: {
      Status: { schema: { type: 'string', enum: [...BUNDLE_STATUSES] }, description: 'The new status', required: true },
      FailureReason: { schema: { type: 'string' }, description: 'Shown as failure_reason (for twilio-rejected)' },
      ValidUntil: validUntil('A date-time such as 2030-01-31T00:00:00Z; empty clears it'),
    },
    ok: { status: 200, description: 'The Bundle as decided', schema: bundle },
    errors: { 400: '20001: Status missing or ValidUntil not a date-time; 22203: Status not a Bundle status', ...noBundle },
  },
  {
    method: 'POST',
    path: '/regcomp/Bundles/{Sid}/ValidUntil',
    tag: TAG,
    summary: 'Set a Bundle’s valid_until (as a regulation change would)',
    params: bundleSid,
    form: { ValidUntil: validUntil('A date-time such as 2030-01-31T00:00:00Z; empty clears it', true) },
    ok: { status: 200, description: 'The Bundle', schema: bundle },
    errors: { 400: '20001: ValidUntil missing or not a date-time', ...noBundle },
  },
  {
    method: 'POST',
    path: '/regcomp/Bundles/{Sid}/ReviewPolicy',
    tag: TAG,
    summary: 'Choose one Bundle’s review policy',
    params: bundleSid,
    form: { Policy: { schema: { type: 'string', enum: [...REVIEW_POLICIES, ''] }, description: 'The policy; empty (or absent) follows the account’s' } },
    ok: {
      status: 200,
      description: 'The settings now in force for this Bundle',
      schema: { type: 'object', required: ['bundle_sid', ...settings.required as string[]], properties: { bundle_sid: { type: 'string' }, ...settingsProperties } },
    },
    errors: { 400: '20001: Policy not a review policy', ...noBundle },
  },
  {
    method: 'GET',
    path: '/regcomp/Bundles/{Sid}/Callbacks',
    tag: TAG,
    summary: 'A Bundle’s status callbacks, oldest first, with every delivery attempt',
    params: bundleSid,
    ok: {
      status: 200,
      description: 'The callbacks',
      schema: { type: 'object', required: ['bundle_sid', 'callbacks'], properties: { bundle_sid: { type: 'string' }, callbacks: { type: 'array', items: callback } } },
    },
    errors: noBundle,
  },
  {
    method: 'GET',
    path: '/regcomp/ReviewPolicy',
    tag: TAG,
    summary: 'The account’s review policy and delays',
    ok: { status: 200, description: 'The account’s settings (the server’s, until the account sets its own)', schema: settings },
  },
  {
    method: 'POST',
    path: '/regcomp/ReviewPolicy',
    tag: TAG,
    summary: 'Set the account’s review policy and delays',
    description: 'Parameters left out keep their current value.',
    form: {
      Policy: { schema: { type: 'string', enum: [...REVIEW_POLICIES] }, description: 'What happens to a submitted Bundle' },
      InReviewAfterMs: milliseconds('pending-review → in-review after this many milliseconds'),
      DecisionAfterMs: milliseconds('in-review → the decision after this many milliseconds'),
    },
    ok: { status: 200, description: 'The account’s settings', schema: settings },
    errors: { 400: `20001: Policy not a review policy; ${invalidMs}` },
  },
  {
    method: 'DELETE',
    path: '/regcomp/ReviewPolicy',
    tag: TAG,
    summary: 'Forget the account’s review settings: the server’s apply again',
    ok: { status: 200, description: 'The server’s settings, now the account’s', schema: settings },
  },
  {
    method: 'GET',
    path: '/regcomp/Clock',
    tag: TAG,
    summary: 'The deterministic run’s clock (DETERMINISTIC_SEED only)',
    ok: { status: 200, description: 'The frozen clock and the run number', schema: clock },
    errors: { 403: clockOff },
  },
  {
    method: 'POST',
    path: '/regcomp/Clock',
    tag: TAG,
    summary: 'Set the deterministic clock, or move it on; what falls due on the way runs before the answer',
    description: 'Give exactly one of Now or AdvanceMs. The clock only moves forward.',
    form: {
      Now: { schema: { type: 'string', example: '2026-01-31T12:00:00Z' }, description: 'An ISO date-time, not before the clock' },
      AdvanceMs: { schema: { type: 'integer', minimum: 0, maximum: 366 * 86_400_000, example: 60000 }, description: 'Milliseconds to move on (at most 366 days)' },
    },
    ok: { status: 200, description: 'The clock after the move', schema: clock },
    errors: { 400: '20001: neither or both of Now and AdvanceMs, a bad date-time, a time before the clock, or too large an advance', 403: clockOff },
  },
  {
    method: 'DELETE',
    path: '/regcomp/Data',
    tag: TAG,
    summary: 'Wipe the caller’s account: every resource it owns, erased; the account and its credentials stay',
    ok: {
      status: 200,
      description: 'What was removed, table by table',
      schema: {
        type: 'object',
        required: ['account_sid', 'deleted'],
        properties: { account_sid: { type: 'string' }, deleted: { type: 'object', additionalProperties: { type: 'integer' } } },
      },
    },
    errors: { 404: '20404: the account was deleted since its credentials were checked' },
  },
  {
    method: 'GET',
    path: '/regcomp/Faults',
    tag: TAG,
    summary: 'The account’s fault rules, oldest first',
    ok: { status: 200, description: 'The rules', schema: { type: 'object', required: ['faults'], properties: { faults: { type: 'array', items: fault } } } },
  },
  {
    method: 'POST',
    path: '/regcomp/Faults',
    tag: TAG,
    summary: 'Add a fault rule: matching /v2 requests of this account fail, slow down or lose their connection',
    description: 'Rules never apply to /regcomp/…; other instances see an account’s first rule within FAULTS_REFRESH_MS.',
    form: {
      Type: { schema: { type: 'string', enum: [...FAULT_TYPES] }, description: 'What the client gets', required: true },
      Method: { schema: { type: 'string', enum: [...FAULT_METHODS] }, description: 'Only this method (default: all)' },
      Path: { schema: { type: 'string', example: '/v2/RegulatoryCompliance/EndUsers*' }, description: 'A glob under /v2 (* matches anything, / included)' },
      Count: { schema: { type: 'integer', minimum: 1, maximum: FAULT_LIMITS.count }, description: 'For the next N matching requests (default: until cleared)' },
      Probability: { schema: { type: 'number', minimum: 0, maximum: 1, example: 1 }, description: 'The chance a matching request is hit (default 1)' },
      LatencyMs: { schema: { type: 'integer', minimum: 0, maximum: FAULT_LIMITS.latencyMs, example: 1000 }, description: 'Delay before the answer (required for latency)' },
      RetryAfter: { schema: { type: 'integer', minimum: 0, maximum: FAULT_LIMITS.retryAfter, example: 1 }, description: 'Retry-After seconds (429 and 503 only; default 1)' },
    },
    ok: { status: 201, description: 'The rule', schema: fault },
    errors: { 400: '20001: a missing, unknown or invalid parameter (named in the message), or the account already has 100 rules' },
  },
  {
    method: 'DELETE',
    path: '/regcomp/Faults',
    tag: TAG,
    summary: 'Clear every fault rule of the account',
    ok: { status: 204, description: 'Cleared' },
  },
  {
    method: 'GET',
    path: '/regcomp/Faults/{Sid}',
    tag: TAG,
    summary: 'One fault rule',
    params: faultSid,
    ok: { status: 200, description: 'The rule', schema: fault },
    errors: noFault,
  },
  {
    method: 'DELETE',
    path: '/regcomp/Faults/{Sid}',
    tag: TAG,
    summary: 'Remove one fault rule',
    params: faultSid,
    ok: { status: 204, description: 'Removed' },
    errors: noFault,
  },
  {
    method: 'GET',
    path: '/regcomp/EndUsers/Search',
    tag: TAG,
    summary: 'End-Users whose friendly name contains a text, newest first (the console’s search)',
    description: 'Each request looks at a bounded window of the account’s End-Users (5,000): a page may be short, even empty, with a next_page_token; follow it until null.',
    query: {
      FriendlyName: { schema: { type: 'string', maxLength: 64 }, description: 'The text to find (any case)', required: true },
      PageSize: { schema: { type: 'integer', minimum: 1, maximum: 100, example: 20 }, description: 'Matches per page (default 20)' },
      PageToken: { schema: { type: 'string' }, description: 'The next_page_token of the previous page' },
    },
    ok: {
      status: 200,
      description: 'The matches in this window',
      schema: {
        type: 'object',
        required: ['end_users', 'next_page_token'],
        properties: {
          end_users: {
            type: 'array',
            items: {
              type: 'object',
              properties: { sid: { type: 'string' }, friendly_name: { type: 'string' }, type: { type: 'string' }, date_created: { type: 'string', format: 'date-time' } },
            },
          },
          next_page_token: { type: 'string', nullable: true },
        },
      },
    },
    errors: { 400: '20001: FriendlyName missing or too long, PageSize out of range; 21481: a PageToken not of this search' },
  },
  {
    method: 'GET',
    path: '/regcomp/ApiKeys',
    tag: TAG,
    summary: 'The account’s API keys (never their secrets)',
    ok: {
      status: 200,
      description: 'The keys, oldest first',
      schema: {
        type: 'object',
        required: ['api_keys'],
        properties: {
          api_keys: { type: 'array', items: { type: 'object', properties: { sid: { type: 'string' }, friendly_name: { type: 'string' }, date_created: { type: 'string' } } } },
        },
      },
    },
  },
  {
    method: 'GET',
    path: '/regcomp/Bundles/{Sid}/StatusHistory',
    tag: TAG,
    summary: 'Every status a Bundle has had (the newest 200), with its failure reason and time',
    params: bundleSid,
    ok: {
      status: 200,
      description: 'The history',
      schema: {
        type: 'object',
        required: ['bundle_sid', 'history'],
        properties: {
          bundle_sid: { type: 'string' },
          history: {
            type: 'array',
            items: { type: 'object', properties: { status: { type: 'string', enum: [...BUNDLE_STATUSES] }, failure_reason: { type: 'string', nullable: true }, date_created: { type: 'string' } } },
          },
        },
      },
    },
    errors: noBundle,
  },
];
