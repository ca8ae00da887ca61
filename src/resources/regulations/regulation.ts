import { z } from 'zod';
import { catalogueSid } from '../../catalogue/sid.js';
import { machineName, oneOf, sidOf, text, unique } from '../../catalogue/schema.js';
import { CONSTRAINTS } from '../../catalogue/types.js';

export const END_USER_TYPES = ['individual', 'business'] as const;
export const NUMBER_TYPES = ['local', 'mobile', 'national', 'toll-free'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

export interface RequirementField {
  machineName: string;
  friendlyName: string;
  description: string | undefined;
  constraint: (typeof CONSTRAINTS)[number] | undefined;
  /** Not required by an evaluation (such as `comments`); never served. */
  optional: boolean;
  /**
   * On an accepted document: whether an evaluation compares this field with the End-User's
   * value of the same name (false where the document shows someone else, such as the person
   * granted a power of attorney); never served.
   */
  matchEndUser: boolean;
  /** The failure_reason an evaluation gives when this field is missing, where Twilio's wording departs from its templates; never served. */
  missingReason: string | undefined;
}

export interface EndUserRequirement {
  name: string;
  /** An End-User Type machine name. */
  type: string;
  requirementName: string;
  fields: readonly RequirementField[];
}

export interface AcceptedDocument {
  name: string;
  /** A Supporting Document Type machine name. */
  type: string;
  fields: readonly RequirementField[];
}

export interface DocumentRequirement {
  name: string;
  type: string;
  requirementName: string;
  description: string | undefined;
  acceptedDocuments: readonly AcceptedDocument[];
}

export interface Regulation {
  sid: string;
  friendlyName: string;
  isoCountry: string;
  numberType: NumberType;
  endUserType: (typeof END_USER_TYPES)[number];
  endUser: readonly EndUserRequirement[];
  /** Groups of requirements, as Twilio nests them (an array of arrays). */
  supportingDocument: readonly (readonly DocumentRequirement[])[];
}

/** A description may be empty: the real service sends `""` for many fields. */
const description = z.string().max(4096).optional();

const field = z
  .strictObject({
    machine_name: machineName,
    friendly_name: text,
    description,
    constraint: oneOf(CONSTRAINTS).optional(),
    optional: z.boolean().optional(),
    match_end_user: z.boolean().optional(),
    missing_reason: text.optional(),
  })
  .transform(
    (f): RequirementField => ({
      machineName: f.machine_name,
      friendlyName: f.friendly_name,
      description: f.description,
      constraint: f.constraint,
      optional: f.optional ?? false,
      matchEndUser: f.match_end_user ?? true,
      missingReason: f.missing_reason,
    }),
  );

const fields = z.array(field).superRefine(unique((f: RequirementField) => f.machineName));

const endUser = z
  .strictObject({ name: text, type: machineName, requirement_name: machineName, detailed_fields: fields })
  .transform((r): EndUserRequirement => ({ name: r.name, type: r.type, requirementName: r.requirement_name, fields: r.detailed_fields }));

const accepted = z
  .strictObject({ name: text, type: machineName, detailed_fields: fields })
  .transform((d): AcceptedDocument => ({ name: d.name, type: d.type, fields: d.detailed_fields }));

const document = z
  .strictObject({
    name: text,
    type: machineName,
    requirement_name: machineName,
    description,
    accepted_documents: z.array(accepted).min(1, { error: 'must list at least one accepted document' }),
  })
  .transform(
    (r): DocumentRequirement => ({
      name: r.name,
      type: r.type,
      requirementName: r.requirement_name,
      description: r.description,
      acceptedDocuments: r.accepted_documents,
    }),
  );

/** One regulation of a catalogue file; its SID is derived from its number group when not given. */
export const regulationSchema = z
  .strictObject({
    sid: sidOf('RN').optional(),
    friendly_name: text,
    iso_country: z.string().regex(/^[A-Z]{2}$/, { error: (issue) => `must be two capital letters (ISO 3166-1), got ${JSON.stringify(issue.input)}` }),
    number_type: oneOf(NUMBER_TYPES),
    end_user_type: oneOf(END_USER_TYPES),
    requirements: z.strictObject({
      end_user: z.array(endUser).min(1, { error: 'must list at least one end-user requirement' }),
      supporting_document: z.array(z.array(document)),
    }),
  })
  .superRefine((r, context) => {
    const names = [...r.requirements.end_user, ...r.requirements.supporting_document.flat()].map((q) => q.requirementName);
    unique((name: string) => name)(names, context);
  })
  .transform(
    (r): Regulation => ({
      sid: r.sid ?? catalogueSid('RN', 'regulation', numberGroup(r.iso_country, r.number_type, r.end_user_type)),
      friendlyName: r.friendly_name,
      isoCountry: r.iso_country,
      numberType: r.number_type,
      endUserType: r.end_user_type,
      endUser: r.requirements.end_user,
      supportingDocument: r.requirements.supporting_document,
    }),
  );

/** What a bundle names instead of a regulation SID: a country, a number type, an end-user type. */
export function numberGroup(isoCountry: string, numberType: string, endUserType: string): string {
  return `${isoCountry.toUpperCase()}:${numberType}:${endUserType}`;
}

/** `tollfree` is seen in Twilio's own examples; regulations say `toll-free`. Any case. */
export function numberTypeOf(value: string): NumberType | undefined {
  const lower = value.toLowerCase();
  const normal = lower === 'tollfree' ? 'toll-free' : lower;
  return (NUMBER_TYPES as readonly string[]).includes(normal) ? (normal as NumberType) : undefined;
}

export function isEndUserType(value: string): value is (typeof END_USER_TYPES)[number] {
  return (END_USER_TYPES as readonly string[]).includes(value);
}
