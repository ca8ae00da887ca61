import type { TypedRules } from '../../catalogue/typed-params.js';
import type { TypeCatalogue } from '../../catalogue/type-catalogue.js';
import type { AttributesValidation } from '../../config.js';
import { errors } from '../../twilio/errors.js';

export { checkAttributesFor, createParams, updateParams } from '../../catalogue/typed-params.js';

/** The End-User rules, with Twilio's document codes: 22211 no FriendlyName, 22210 no or unknown Type. */
export function documentRules(types: TypeCatalogue, attributesValidation: AttributesValidation): TypedRules {
  return {
    types,
    attributesValidation,
    kind: 'Supporting Document Type',
    missingFriendlyName: errors.missingDocumentFriendlyName,
    missingType: () => errors.invalidDocumentType('Type is required'),
    unknownType: (known) => errors.invalidDocumentType(`Type must be one of ${known.join(', ')}`),
  };
}
