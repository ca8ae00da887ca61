import type { AttributesValidation } from '../config.js';
import type { TwilioError } from '../twilio/errors.js';
import type { FormBody } from '../twilio/form.js';
import { attributesOf, checkFriendlyName, optionalFriendlyName, required } from '../twilio/params.js';
import { checkAttributesAgainstType } from './attributes.js';
import type { TypeCatalogue } from './type-catalogue.js';

/**
 * The parameters of a resource typed by a catalogue (End-Users, Supporting Documents): one set
 * of rules for FriendlyName, Type and Attributes; each resource names its catalogue and its
 * Twilio error codes.
 */
export interface TypedRules {
  /** `Type` must name one of its types. */
  types: TypeCatalogue;
  /** `strict`: attributes must be fields of the type and meet their constraints. */
  attributesValidation: AttributesValidation;
  /** How messages name the catalogue: "End-User Type", "Supporting Document Type". */
  kind: string;
  missingFriendlyName: () => TwilioError;
  missingType: () => TwilioError;
  unknownType: (known: readonly string[]) => TwilioError;
}

export interface TypedCreate {
  friendlyName: string;
  type: string;
  attributes: string;
}

export interface TypedChanges {
  friendlyName: string | undefined;
  attributes: string | undefined;
}

export function createParams(form: FormBody, rules: TypedRules): TypedCreate {
  const friendlyName = required(form, 'FriendlyName', rules.missingFriendlyName);
  const type = required(form, 'Type', rules.missingType);
  if (!rules.types.findByMachineName(type)) throw rules.unknownType(rules.types.machineNames());
  const checkedName = checkFriendlyName(friendlyName);
  const attributes = attributesOf(form) ?? '{}';
  checkAttributesFor(type, attributes, rules);
  return { friendlyName: checkedName, type, attributes };
}

/** In strict mode, refuses attributes that the resource's type does not allow. */
export function checkAttributesFor(type: string, attributes: string, rules: TypedRules): void {
  if (rules.attributesValidation !== 'strict') return;
  checkAttributesAgainstType(attributes, rules.kind, type, rules.types.findByMachineName(type));
}

/** Only FriendlyName and Attributes can change; anything else sent is ignored, Type included. */
export function updateParams(form: FormBody): TypedChanges {
  return { friendlyName: optionalFriendlyName(form), attributes: attributesOf(form) };
}
