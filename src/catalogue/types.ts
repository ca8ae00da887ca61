import { z } from 'zod';
import { catalogueSid } from './sid.js';
import { machineName, oneOf, sidOf, text, unique } from './schema.js';

/**
 * End-User Types and Supporting Document Types: the same shape (a machine name and typed
 * fields), the same `OY` SIDs, the same file format and strict attribute checks.
 */
export const CONSTRAINTS = ['String', 'List'] as const;
export type Constraint = (typeof CONSTRAINTS)[number];

export interface TypeField {
  machineName: string;
  friendlyName: string;
  constraint: Constraint;
  /**
   * The values a `List` field may take (End-User Types' enums, such as business_identity);
   * never served, as Twilio's field objects show none. A `List` field without values
   * (Supporting Documents' address_sids) takes an array of strings.
   */
  allowedValues: readonly string[] | undefined;
}

export interface CatalogueType {
  sid: string;
  machineName: string;
  friendlyName: string;
  fields: readonly TypeField[];
  fieldsByName: ReadonlyMap<string, TypeField>;
}

export interface TypeSchemaOptions {
  /** The SID namespace, e.g. `end-user-type`. */
  namespace: string;
  /** Whether a List field must name its allowed values (an enum) or is a list of strings. */
  listsNeedValues: boolean;
}

function fieldSchema(listsNeedValues: boolean) {
  return z
    .strictObject({
      machine_name: machineName,
      friendly_name: text,
      constraint: oneOf(CONSTRAINTS),
      allowed_values: z
        .array(text, { error: 'must be a non-empty array of strings (a List field needs its values)' })
        .min(1, { error: 'must be a non-empty array of strings (a List field needs its values)' })
        .superRefine(unique((value: string) => value))
        .optional(),
    })
    .superRefine((field, context) => {
      if (field.constraint === 'String' && field.allowed_values !== undefined) {
        context.addIssue({ code: 'custom', path: ['allowed_values'], message: 'is only for List fields' });
      }
      if (field.constraint === 'List' && listsNeedValues && field.allowed_values === undefined) {
        context.addIssue({ code: 'custom', path: ['allowed_values'], message: 'must be a non-empty array of strings (a List field needs its values)' });
      }
    })
    .transform(
      (field): TypeField => ({
        machineName: field.machine_name,
        friendlyName: field.friendly_name,
        constraint: field.constraint,
        allowedValues: field.allowed_values,
      }),
    );
}

/** The schema of one type in a catalogue file, read into a CatalogueType. */
export function typeSchema({ namespace, listsNeedValues }: TypeSchemaOptions): z.ZodType<CatalogueType> {
  return z
    .strictObject({
      sid: sidOf('OY').optional(),
      machine_name: machineName,
      friendly_name: text,
      fields: z.array(fieldSchema(listsNeedValues)).superRefine(unique((field: TypeField) => field.machineName)),
    })
    .transform(
      (type): CatalogueType => ({
        sid: type.sid ?? catalogueSid('OY', namespace, type.machine_name),
        machineName: type.machine_name,
        friendlyName: type.friendly_name,
        fields: type.fields,
        fieldsByName: new Map(type.fields.map((field) => [field.machineName, field])),
      }),
    );
}

/** Twilio's type shape: each field shows its names and constraint, nothing more. */
export function typeJson(type: CatalogueType, url: string): string {
  return JSON.stringify({
    sid: type.sid,
    friendly_name: type.friendlyName,
    machine_name: type.machineName,
    fields: type.fields.map((field) => ({
      friendly_name: field.friendlyName,
      machine_name: field.machineName,
      constraint: field.constraint,
    })),
    url,
  });
}
