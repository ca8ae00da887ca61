import { errors } from '../twilio/errors.js';
import type { CatalogueType, TypeField } from './types.js';

/**
 * Strict mode's check of attributes (a compacted JSON object, already within the protective
 * limits) against their type: every key must be a field of the type and every value must
 * meet the field's constraint. Absent fields are not refused: as at Twilio, whether an end
 * user or document is complete is for bundle evaluation to say.
 * `kind` names the catalogue in messages: "End-User Type", "Supporting Document Type".
 */
export function checkAttributesAgainstType(attributes: string, kind: string, typeName: string, type: CatalogueType | undefined): void {
  const values = Object.entries(JSON.parse(attributes) as Record<string, unknown>);
  const typeLabel = `${kind} ${typeName}`;
  if (!type) {
    // Only a resource made before its type left the catalogue can get here.
    if (values.length > 0) throw errors.attributesOfUnknownType(typeLabel);
    return;
  }
  for (const [key, value] of values) {
    const field = type.fieldsByName.get(key);
    if (!field) throw errors.attributeNotAField(key, typeLabel);
    const rule = brokenRule(field, value);
    if (rule !== undefined) throw errors.attributeBreaksConstraint(key, typeLabel, rule);
  }
}

/** The rule `value` breaks, or undefined when it meets the field's constraint. */
function brokenRule(field: TypeField, value: unknown): string | undefined {
  if (field.constraint === 'String') return typeof value === 'string' ? undefined : 'a string';
  if (field.allowedValues) {
    return typeof value === 'string' && field.allowedValues.includes(value) ? undefined : `one of ${field.allowedValues.join(', ')}`;
  }
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : 'a list of strings';
}
