import type { AttributesValidation } from '../../config.js';
import { errors } from '../../twilio/errors.js';
import type { FormBody } from '../../twilio/form.js';
import type { JsonLimits } from '../../twilio/json-object.js';
import { compactJsonObject } from '../../twilio/json-object.js';
import { checkAttributesAgainstType } from '../end-user-types/attributes.js';
import type { EndUserTypeCatalogue } from '../end-user-types/catalogue.js';

export const FRIENDLY_NAME_MAX = 256;

/**
 * Protective bounds on `Attributes`; the real service documents none. Far above what any
 * regulation asks for (a dozen flat string fields), low enough that one request or one
 * stored end user stays cheap to check, store and serve. See docs/end-user-types.md.
 */
export const ATTRIBUTE_LIMITS: JsonLimits = {
  maxBytes: 64 * 1024,
  maxDepth: 8,
  maxKeysPerObject: 200,
  maxMembers: 2000,
  maxStringLength: 8192,
};

/** What `Type` and `Attributes` are checked against. */
export interface TypeRules {
  /** `Type` must name one of its types. */
  endUserTypes: EndUserTypeCatalogue;
  /** `strict`: attributes must be fields of the type and meet their constraints. */
  attributesValidation: AttributesValidation;
}

export interface CreateParams {
  friendlyName: string;
  type: string;
  attributes: string;
}

export interface UpdateParams {
  friendlyName: string | undefined;
  attributes: string | undefined;
}

export function createParams(form: FormBody, rules: TypeRules): CreateParams {
  const friendlyName = form.get('FriendlyName');
  if (friendlyName === undefined || friendlyName === '') throw errors.missingParameter('FriendlyName');
  const type = form.get('Type');
  if (type === undefined || type === '') throw errors.missingParameter('Type');
  if (!rules.endUserTypes.findByMachineName(type)) {
    throw errors.invalidParameter('Type', `must be one of ${rules.endUserTypes.machineNames().join(', ')}`);
  }
  const checkedName = checkFriendlyName(friendlyName);
  const attributes = attributesOf(form) ?? '{}';
  checkAttributesFor(type, attributes, rules);
  return { friendlyName: checkedName, type, attributes };
}

/** In strict mode, refuses attributes that the end user's type does not allow. */
export function checkAttributesFor(type: string, attributes: string, rules: TypeRules): void {
  if (rules.attributesValidation !== 'strict') return;
  checkAttributesAgainstType(attributes, type, rules.endUserTypes.findByMachineName(type));
}

/** Only FriendlyName and Attributes can change; anything else sent is ignored, Type included. */
export function updateParams(form: FormBody): UpdateParams {
  const friendlyName = form.get('FriendlyName');
  return {
    friendlyName: friendlyName === undefined ? undefined : checkFriendlyName(friendlyName),
    attributes: attributesOf(form),
  };
}

function checkFriendlyName(value: string): string {
  if (value === '') throw errors.invalidParameter('FriendlyName', 'must not be empty');
  // Characters are code points (an emoji is one), not UTF-16 units.
  if (value.length > FRIENDLY_NAME_MAX && (value.length > 2 * FRIENDLY_NAME_MAX || [...value].length > FRIENDLY_NAME_MAX)) {
    throw errors.invalidParameter('FriendlyName', `must be at most ${FRIENDLY_NAME_MAX} characters`);
  }
  // NUL cannot be stored in PostgreSQL text; other control characters are kept as sent.
  if (value.includes('\u0000')) throw errors.invalidParameter('FriendlyName', 'must not contain NUL characters');
  return value;
}

function attributesOf(form: FormBody): string | undefined {
  const raw = form.get('Attributes');
  return raw === undefined ? undefined : compactJsonObject(raw, 'Attributes', ATTRIBUTE_LIMITS);
}
