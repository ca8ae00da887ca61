import { checkAttributesAgainstType } from '../../catalogue/attributes.js';
import type { TypeCatalogue } from '../../catalogue/type-catalogue.js';
import type { AttributesValidation } from '../../config.js';
import { errors } from '../../twilio/errors.js';
import type { FormBody } from '../../twilio/form.js';
import { attributesOf, checkFriendlyName, optionalFriendlyName, required } from '../../twilio/params.js';

/** What `Type` and `Attributes` are checked against. */
export interface TypeRules {
  /** `Type` must name one of its types. */
  types: TypeCatalogue;
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
  const friendlyName = required(form, 'FriendlyName');
  const type = required(form, 'Type');
  if (!rules.types.findByMachineName(type)) {
    throw errors.invalidParameter('Type', `must be one of ${rules.types.machineNames().join(', ')}`);
  }
  const checkedName = checkFriendlyName(friendlyName);
  const attributes = attributesOf(form) ?? '{}';
  checkAttributesFor(type, attributes, rules);
  return { friendlyName: checkedName, type, attributes };
}

/** In strict mode, refuses attributes that the end user's type does not allow. */
export function checkAttributesFor(type: string, attributes: string, rules: TypeRules): void {
  if (rules.attributesValidation !== 'strict') return;
  checkAttributesAgainstType(attributes, 'End-User Type', type, rules.types.findByMachineName(type));
}

/** Only FriendlyName and Attributes can change; anything else sent is ignored, Type included. */
export function updateParams(form: FormBody): UpdateParams {
  return { friendlyName: optionalFriendlyName(form), attributes: attributesOf(form) };
}
