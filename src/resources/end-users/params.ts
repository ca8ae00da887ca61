import type { TypedRules } from '../../catalogue/typed-params.js';
import type { TypeCatalogue } from '../../catalogue/type-catalogue.js';
import type { AttributesValidation } from '../../config.js';
import { errors } from '../../twilio/errors.js';

export { checkAttributesFor, createParams, updateParams } from '../../catalogue/typed-params.js';

/** End-Users' Type and Attributes rules: Twilio's generic 20001 for every mistake. */
export function endUserRules(types: TypeCatalogue, attributesValidation: AttributesValidation): TypedRules {
  return {
    types,
    attributesValidation,
    kind: 'End-User Type',
    missingFriendlyName: () => errors.missingParameter('FriendlyName'),
    missingType: () => errors.missingParameter('Type'),
    unknownType: (known) => errors.invalidParameter('Type', `must be one of ${known.join(', ')}`),
  };
}
