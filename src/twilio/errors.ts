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
  attributeNotAField: (key: string, type: string) =>
    new TwilioError(400, 20001, `Invalid parameter Attributes: ${quoted(key)} is not a field of End-User Type ${type}`),
  attributeBreaksConstraint: (key: string, type: string, rule: string) =>
    new TwilioError(400, 20001, `Invalid parameter Attributes: ${quoted(key)} of End-User Type ${type} must be ${rule}`),
  attributesOfUnknownType: (type: string) =>
    new TwilioError(400, 20001, `Invalid parameter Attributes: End-User Type ${type} is no longer in the catalogue, so only {} is accepted`),
  methodNotAllowed: (allowed: readonly string[]) =>
    new TwilioError(405, 20004, 'Method not allowed', undefined, { Allow: allowed.join(', ') }),
  // Twilio documents no code for an oversized body; 20413 follows its 20xxx = HTTP-status pattern.
  bodyTooLarge: (limit: number) =>
    new TwilioError(413, 20413, `Request body too large: the limit is ${limit} bytes`),
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
  unavailable: () => new TwilioError(503, 20503, 'Service unavailable', undefined, { 'Retry-After': '1' }),
} as const;
