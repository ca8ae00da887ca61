import { errors } from '../../twilio/errors.js';
import type { EndUserType } from './catalogue.js';

/**
 * Strict mode's check of an end user's attributes (a compacted JSON object, already within
 * the protective limits): every key must be a field of the type and every value must meet
 * the field's constraint. Absent fields are not refused: as at Twilio, whether an end user
 * is complete is for bundle evaluation to say.
 */
export function checkAttributesAgainstType(attributes: string, typeName: string, type: EndUserType | undefined): void {
  const values = Object.entries(JSON.parse(attributes) as Record<string, unknown>);
  if (!type) {
    // Only an end user made before its type left the catalogue can get here.
    if (values.length > 0) throw errors.attributesOfUnknownType(typeName);
    return;
  }
  for (const [key, value] of values) {
    const field = type.fieldsByName.get(key);
    if (!field) throw errors.attributeNotAField(key, typeName);
    if (field.constraint === 'String' && typeof value !== 'string') {
      throw errors.attributeBreaksConstraint(key, typeName, 'a string');
    }
    if (field.constraint === 'List' && !(typeof value === 'string' && field.allowedValues!.includes(value))) {
      throw errors.attributeBreaksConstraint(key, typeName, `one of ${field.allowedValues!.join(', ')}`);
    }
  }
}
