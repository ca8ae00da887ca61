import type { TwilioError } from '../twilio/errors.js';
import { errors } from '../twilio/errors.js';
import type { FormBody } from '../twilio/form.js';

/**
 * A fault rule: what an account's matching `/v2` requests get instead of (or before) their
 * answer. Kinds are named after what the client sees.
 */
export const FAULT_TYPES = ['too-many-requests', 'internal-error', 'service-unavailable', 'latency', 'drop'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** The methods Twilio's API serves; a rule without one matches them all. */
export const FAULT_METHODS = ['GET', 'POST', 'DELETE'] as const;

/** The types answered with a Retry-After header, as Twilio's own 429 and 503 are. */
const RETRYING: ReadonlySet<FaultType> = new Set(['too-many-requests', 'service-unavailable']);

export const FAULT_LIMITS = { count: 1_000_000, latencyMs: 300_000, retryAfter: 86_400, pathLength: 200, perAccount: 100 } as const;

/** What a request needs from a rule to match it and apply it. */
export interface FaultRule {
  sid: string;
  type: FaultType;
  method: string | null;
  path: string | null;
  remaining: number | null;
  probability: number;
  latency_ms: number;
  retry_after: number | null;
}

export interface FaultRow extends FaultRule {
  account_sid: string;
  count: number | null;
  applied: number;
  date_created: string;
}

export type NewFault = Omit<FaultRule, 'sid' | 'remaining'> & { count: number | null };

const PARAMETERS = new Set(['Type', 'Method', 'Path', 'Count', 'Probability', 'LatencyMs', 'RetryAfter']);

/** Reads a create form; every mistake is a 400 naming its parameter. */
export function parseFault(form: FormBody): NewFault {
  // A typo (`Cout=3`) would otherwise make a fault that never ends: refuse what we do not know.
  for (const name of form.keys()) if (!PARAMETERS.has(name)) throw errors.invalidParameter(name, `unknown; a fault takes ${[...PARAMETERS].join(', ')}`);
  const type = form.get('Type');
  if (type === undefined || type === '') throw errors.missingParameter('Type');
  if (!isFaultType(type)) throw errors.invalidParameter('Type', `must be one of ${FAULT_TYPES.join(', ')}`);
  const latencyMs = whole(form, 'LatencyMs', 0, FAULT_LIMITS.latencyMs) ?? 0;
  if (type === 'latency' && latencyMs === 0) throw errors.missingParameter('LatencyMs');
  const retryAfter = whole(form, 'RetryAfter', 0, FAULT_LIMITS.retryAfter);
  if (retryAfter !== undefined && !RETRYING.has(type)) throw errors.invalidParameter('RetryAfter', 'applies only to too-many-requests and service-unavailable');
  return {
    type,
    method: methodOf(form.get('Method')),
    path: pathOf(form.get('Path')),
    count: whole(form, 'Count', 1, FAULT_LIMITS.count) ?? null,
    probability: probabilityOf(form.get('Probability')),
    latency_ms: latencyMs,
    retry_after: RETRYING.has(type) ? (retryAfter ?? 1) : null,
  };
}

export function isFaultType(value: string): value is FaultType {
  return (FAULT_TYPES as readonly string[]).includes(value);
}

function methodOf(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const method = value.toUpperCase();
  if (!(FAULT_METHODS as readonly string[]).includes(method)) throw errors.invalidParameter('Method', `must be one of ${FAULT_METHODS.join(', ')}`);
  return method;
}

function pathOf(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  // Faults apply only under /v2, so a pattern elsewhere could never match: say so now.
  if (!value.startsWith('/v2')) throw errors.invalidParameter('Path', 'must be a path under /v2, such as /v2/RegulatoryCompliance/EndUsers*');
  if (value.length > FAULT_LIMITS.pathLength || !/^[\x21-\x7e]+$/.test(value) || value.includes('?')) {
    throw errors.invalidParameter('Path', `must be at most ${FAULT_LIMITS.pathLength} printable characters, no query string`);
  }
  return value;
}

function probabilityOf(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const p = Number(value);
  if (!/^(0|1)?(\.\d{1,6})?$/.test(value) || !(p > 0 && p <= 1)) throw errors.invalidParameter('Probability', 'must be a number above 0 and at most 1, such as 0.25');
  return p;
}

function whole(form: FormBody, name: string, min: number, max: number): number | undefined {
  const value = form.get(name);
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!/^\d{1,10}$/.test(value) || n < min || n > max) throw errors.invalidParameter(name, `must be a whole number from ${min} to ${max}`);
  return n;
}

/** Whether a rule covers a request: its method (if set) and its path glob (if set). */
export function matches(rule: Pick<FaultRule, 'method' | 'path'>, method: string, path: string): boolean {
  if (rule.method !== null && rule.method !== method) return false;
  return rule.path === null || globOf(rule.path).test(path);
}

const globs = new Map<string, RegExp>();

/** `*` stands for any run of characters (slashes too); everything else is literal. */
function globOf(pattern: string): RegExp {
  let regex = globs.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
    if (globs.size >= 1000) globs.clear();
    globs.set(pattern, regex);
  }
  return regex;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Twilio error a rule answers with, or undefined when the request goes on (latency) or is dropped. */
export function errorOf(rule: FaultRule): TwilioError | undefined {
  switch (rule.type) {
    case 'too-many-requests':
      return errors.tooManyRequests(rule.retry_after ?? 1);
    case 'internal-error':
      return errors.internal();
    case 'service-unavailable':
      return errors.unavailable(rule.retry_after ?? 1);
    default:
      return undefined;
  }
}

export function faultJson(row: FaultRow, origin: string): Record<string, unknown> {
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    type: row.type,
    method: row.method,
    path: row.path,
    count: row.count,
    remaining: row.remaining,
    probability: row.probability,
    latency_ms: row.latency_ms,
    retry_after: row.retry_after,
    applied: row.applied,
    date_created: row.date_created,
    url: `${origin}/regcomp/Faults/${row.sid}`,
  };
}
