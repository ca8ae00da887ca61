/**
 * Twilio's error catalogue, in one table: code, HTTP status, message. Every failure leaves
 * the server as `{code, message, more_info, status}` (plus `detail` on 401s), nothing else:
 * the SDK picks its exception class from that shape.
 */
export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TwilioError';
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
    if (this.detail !== undefined) body.detail = this.detail;
    return body;
  }
}

const AUTH_HEADERS = { 'WWW-Authenticate': 'Basic realm="Twilio API"' };

/** A caller-chosen name, quoted and cut short enough for a message. */
const quoted = (name: string) => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);

export const errors = {
  notFound: (path: string) => new TwilioError(404, 20404, `The requested resource ${path} was not found`),
  noCredentials: () =>
    new TwilioError(
      401,
      20003,
      'Authentication Error - No credentials provided',
      'Your AccountSid or AuthToken was incorrect.',
      AUTH_HEADERS,
    ),
  badCredentials: () =>
    new TwilioError(
      401,
      20003,
      'Authentication Error - invalid username',
      'Your AccountSid or AuthToken was incorrect.',
      AUTH_HEADERS,
    ),
  missingParameter: (name: string) => new TwilioError(400, 20001, `Missing required parameter ${name} in the post body`),
  invalidParameter: (name: string, why: string) => new TwilioError(400, 20001, `Invalid parameter ${name}: ${why}`),
  pageSizeTooLarge: () => new TwilioError(400, 20007, 'Page size too large: the maximum page size is 1000'),
  invalidPageToken: () => new TwilioError(400, 21481, 'Invalid PageToken'),
  invalidAttributes: (why: string) => new TwilioError(400, 22207, `Unable to parse attributes JSON: ${why}`),
  // Strict attribute checks (ATTRIBUTES_VALIDATION=strict) have no Twilio code of their own:
  // the JSON parsed (so not 22207), the parameter is invalid, hence 20001.
  // `type` reads "End-User Type business", "Supporting Document Type passport".
  attributeNotAField: (key: string, type: string) =>
    new TwilioError(400, 20001, `Invalid parameter Attributes: ${quoted(key)} is not a field of ${type}`),
  attributeBreaksConstraint: (key: string, type: string, rule: string) =>
    new TwilioError(400, 20001, `Invalid parameter Attributes: ${quoted(key)} of ${type} must be ${rule}`),
  attributesOfUnknownType: (type: string) =>
    new TwilioError(400, 20001, `Invalid parameter Attributes: ${type} is no longer in the catalogue, so only {} is accepted`),
  invalidEndUserTypeFilter: (value: string) =>
    new TwilioError(400, 22212, `Invalid EndUserType ${quoted(value)}: must be individual or business`),
  invalidNumberTypeFilter: (value: string) =>
    new TwilioError(400, 22213, `Invalid NumberType ${quoted(value)}: must be local, mobile, national or toll-free`),
  // Bundles (Twilio's error dictionary; HTTP 400 as for its other validation codes).
  invalidNumberGroup: (name: string, why: string) => new TwilioError(400, 22200, `Invalid ${name}: ${why}`),
  regulationNotFound: () => new TwilioError(400, 22201, 'No regulation sid found for the given number group'),
  regulationNotGiven: () =>
    new TwilioError(400, 22202, 'A RegulationSid, or IsoCountry with NumberType and EndUserType, is required to create a Bundle'),
  invalidBundleStatus: (value: string) =>
    new TwilioError(400, 22203, `Invalid Bundle status ${quoted(value)}: must be one of draft, pending-review, in-review, twilio-rejected, twilio-approved, provisionally-approved`),
  statusWithProperties: () => new TwilioError(400, 22204, 'Bundle status and properties cannot be updated in the same request'),
  bundleTransition: (from: string, to: string) =>
    new TwilioError(400, 20001, `Invalid parameter Status: a Bundle in ${from} cannot be moved to ${to} by a request`),
  bundleNotDeletable: (status: string) =>
    new TwilioError(400, 21647, `Regulatory Bundle is not eligible for deletion: it is ${status} (deletable: draft, twilio-approved, twilio-rejected)`),
  // Supporting Documents: Twilio's own codes for a missing or unknown Type and a missing FriendlyName.
  invalidDocumentType: (why: string) => new TwilioError(400, 22210, `Invalid Supporting Document Type: ${why}`),
  missingDocumentFriendlyName: () => new TwilioError(400, 22211, 'Missing required parameter FriendlyName in the post body'),
  invalidObjectSid: (sid: string) =>
    new TwilioError(400, 22205, `Attempting to assign invalid object_sid ${quoted(sid)} to Bundle: it is malformed, unknown, or another account's`),
  invalidObjectType: (sid: string) =>
    new TwilioError(400, 22206, `Attempting to add invalid object type to bundle: ${quoted(sid.slice(0, 2))} objects cannot be assigned (End-Users IT…, Supporting Documents RD…)`),
  alreadyAssigned: (sid: string) => new TwilioError(400, 20001, `Invalid parameter ObjectSid: ${sid} is already assigned to this Bundle`),
  // Twilio documents no code for editing a bundle's items outside draft; 20001, with the status.
  bundleNotDraft: (status: string) =>
    new TwilioError(400, 20001, `Invalid request: items can be assigned or removed only while the Bundle is draft; it is ${status}`),
  endUserAssigned: () => new TwilioError(400, 21644, 'End-User cannot be deleted: it is assigned to a Bundle (remove the Item Assignment first)'),
  documentAssigned: () =>
    new TwilioError(400, 21645, 'Supporting Document cannot be deleted: it is assigned to a Bundle (remove the Item Assignment first)'),
  documentUnderReview: () => new TwilioError(400, 21646, 'Supporting Document is not eligible for deletion: it is pending review'),
  notCopyable: () =>
    new TwilioError(400, 22223, 'The Bundle cannot be copied: it is not in a twilio-approved status or does not have a valid_until date'),
  cannotTransferItems: (why: string) => new TwilioError(400, 22224, `Items cannot be transferred: ${why}`),
  fromBundleNotFound: () => new TwilioError(400, 22225, 'The FromBundleSid Bundle does not exist'),
  sameBundle: () => new TwilioError(400, 22226, 'FromBundleSid is the Bundle itself: the two Bundles must differ'),
  regulationMismatch: () => new TwilioError(400, 22228, 'The two Bundles do not have the same regulation'),
  notCloneable: (status: string) => new TwilioError(400, 20001, `Invalid request: only a twilio-approved Bundle can be cloned; it is ${status}`),
  clockNotSettable: () =>
    new TwilioError(403, 20403, 'The clock is real time on this server: start it with DETERMINISTIC_SEED=<seed> to read, set and advance it (README: "Deterministic runs")'),
  clonesDisabled: () => new TwilioError(403, 20403, 'Cloning Bundles to other accounts is disabled on this server (CLONE_TARGETS=none)'),
  tooManyFaults: (limit: number) => new TwilioError(400, 20001, `Invalid request: an account has at most ${limit} faults; delete some first`),
  methodNotAllowed: (allowed: readonly string[]) =>
    new TwilioError(405, 20004, 'Method not allowed', undefined, { Allow: allowed.join(', ') }),
  // Twilio documents no code for an oversized body; 20413 follows its 20xxx = HTTP-status pattern.
  bodyTooLarge: (limit: number) =>
    new TwilioError(413, 20413, `Request body too large: the limit is ${limit} bytes`),
  fileTooLarge: (limit: number) => new TwilioError(413, 20413, `File too large: the limit is ${limit} bytes`),
  fieldTooLarge: (name: string, limit: number) =>
    new TwilioError(413, 20413, `Parameter ${quoted(name)} too large: the limit is ${limit} bytes`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new TwilioError(429, 20429, 'Too Many Requests', undefined, { 'Retry-After': String(retryAfterSeconds) }),
  // Protocol-level refusals. Twilio documents no codes for these; like 20413 they follow its
  // 20xxx = HTTP-status pattern.
  badRequest: (why: string) => new TwilioError(400, 20400, `Bad request: ${why}`),
  requestTimeout: () => new TwilioError(408, 20408, 'Request timeout: the request did not arrive in time'),
  /** The client went away while its request waited (never seen by anyone: keeps logs quiet). */
  clientGone: () => new TwilioError(408, 20408, 'Request abandoned by the client'),
  unsupportedMediaType: (why: string) => new TwilioError(415, 20415, `Unsupported media type: ${why}`),
  headersTooLarge: () => new TwilioError(431, 20431, 'Request header fields too large'),
  internal: () => new TwilioError(500, 20500, 'Internal Server Error'),
  unavailable: (retryAfterSeconds = 1) =>
    new TwilioError(503, 20503, 'Service unavailable', undefined, { 'Retry-After': String(retryAfterSeconds) }),
} as const;
