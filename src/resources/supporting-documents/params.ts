import { checkAttributesAgainstType } from '../../catalogue/attributes.js';
import type { TypeCatalogue } from '../../catalogue/type-catalogue.js';
import type { AttributesValidation } from '../../config.js';
import { errors } from '../../twilio/errors.js';
import type { FormBody } from '../../twilio/form.js';
import { attributesOf, checkFriendlyName, optionalFriendlyName, required } from '../../twilio/params.js';

/** What `Type` and `Attributes` are checked against. */
export interface DocumentTypeRules {
  types: TypeCatalogue;
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

/** The End-User rules, with Twilio's document codes: 22211 no FriendlyName, 22210 no or unknown Type. */
export function createParams(form: FormBody, rules: DocumentTypeRules): CreateParams {
  const friendlyName = checkFriendlyName(required(form, 'FriendlyName', errors.missingDocumentFriendlyName));
  const type = required(form, 'Type', () => errors.invalidDocumentType('Type is required'));
  if (!rules.types.findByMachineName(type)) {
    throw errors.invalidDocumentType(`Type must be one of ${rules.types.machineNames().join(', ')}`);
  }
  const attributes = attributesOf(form) ?? '{}';
  checkAttributesFor(type, attributes, rules);
  return { friendlyName, type, attributes };
}

/** In strict mode, refuses attributes that the document's type does not allow. */
export function checkAttributesFor(type: string, attributes: string, rules: DocumentTypeRules): void {
  if (rules.attributesValidation !== 'strict') return;
  checkAttributesAgainstType(attributes, 'Supporting Document Type', type, rules.types.findByMachineName(type));
}

/** Only FriendlyName and Attributes can change; anything else sent is ignored. */
export function updateParams(form: FormBody): UpdateParams {
  return { friendlyName: optionalFriendlyName(form), attributes: attributesOf(form) };
}
