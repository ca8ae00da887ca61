import { errors } from './errors.js';
import type { FormBody } from './form.js';
import type { JsonLimits } from './json-object.js';
import { compactJsonObject } from './json-object.js';

/** Readers for the parameters several resources share, each refusing with Twilio's error. */
export const FRIENDLY_NAME_MAX = 256;

/**
 * Protective bounds on `Attributes`; the real service documents none. Far above what any
 * regulation asks for (a dozen flat fields), low enough that one request or one stored
 * resource stays cheap to check, store and serve.
 */
export const ATTRIBUTE_LIMITS: JsonLimits = {
  maxBytes: 64 * 1024,
  maxDepth: 8,
  maxKeysPerObject: 200,
  maxMembers: 2000,
  maxStringLength: 8192,
};

/** A parameter that must be present and not empty, else 20001 (or the resource's own error). */
export function required(form: FormBody, name: string, missing = () => errors.missingParameter(name)): string {
  const value = form.get(name);
  if (value === undefined || value === '') throw missing();
  return value;
}

export function checkFriendlyName(value: string): string {
  if (value === '') throw errors.invalidParameter('FriendlyName', 'must not be empty');
  // Characters are code points (an emoji is one), not UTF-16 units.
  if (value.length > FRIENDLY_NAME_MAX && (value.length > 2 * FRIENDLY_NAME_MAX || [...value].length > FRIENDLY_NAME_MAX)) {
    throw errors.invalidParameter('FriendlyName', `must be at most ${FRIENDLY_NAME_MAX} characters`);
  }
  // NUL cannot be stored in PostgreSQL text; other control characters are kept as sent.
  if (value.includes('\u0000')) throw errors.invalidParameter('FriendlyName', 'must not contain NUL characters');
  return value;
}

/** `FriendlyName` on update: absent, or a valid name. */
export function optionalFriendlyName(form: FormBody): string | undefined {
  const value = form.get('FriendlyName');
  return value === undefined ? undefined : checkFriendlyName(value);
}

/** `Attributes` as validated, compacted JSON object text; undefined when absent. */
export function attributesOf(form: FormBody): string | undefined {
  const raw = form.get('Attributes');
  return raw === undefined ? undefined : compactJsonObject(raw, 'Attributes', ATTRIBUTE_LIMITS);
}

/** A boolean as the SDKs send it (`true`/`false`; any case); undefined when absent. */
export function booleanParam(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw errors.invalidParameter(name, 'must be true or false');
}
