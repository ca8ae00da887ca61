/**
 * The bundle evaluation engine: a regulation and a bundle's assigned items in, Twilio's
 * Evaluation `status` and `results` out. Pure: no database, no HTTP.
 *
 * From Twilio (compliance-flow.md §3.2, the OpenAPI create example): one result per
 * requirement in requirement order (end_user, then every supporting_document group in
 * order); nine keys, always present; codes 22214–22219 and their wording; `compliant` iff
 * every result passed.
 *
 * Our choices where the sources are silent (also in EVALUATION_NOTES.md):
 * - A field is present when it is not undefined/null, a string that is not blank, or a
 *   non-empty array; optional fields are never required: listed in `valid` when present,
 *   left out when absent.
 * - Several candidates (End-Users of the type, documents of an accepted type): the one with
 *   the fewest invalid fields, then the most valid ones; ties go to the first assigned. One
 *   item may satisfy several requirements.
 * - A present object that fails carries, at result level, its first invalid entry's
 *   failure_reason and error_code (22215, 22217, 22218 or 22219).
 * - The End-User that documents are compared with is the one chosen for the first end-user
 *   requirement; its friendly name gives "within {Business} information". A document field
 *   is compared when its name is a field of that requirement's End-User Type and the
 *   catalogue does not say `match_end_user: false`. The comparison is exact (no trimming,
 *   no case folding); it is skipped when the End-User lacks the value (that End-User's own
 *   result fails already). A mismatch is 22218, worded after 22217.
 * - A document field missing with a catalogue `missing_reason` takes that text verbatim
 *   (France's power-of-attorney grantee, whose wording in the example fits no template).
 * - The result's friendly_name: the End-User Type's friendly name (the requirement's name if
 *   the type is unknown); for a document, the matched accepted document's name and type, or
 *   the first accepted document's when none is assigned.
 * - A `valid` entry has the captured TrustHub shape and order: object_field, error_code,
 *   friendly_name (the machine name with spaces, as captured: "address sids"), passed,
 *   failure_reason.
 * - "a/an" follows the first letter everywhere, including "Please enter in an Email".
 */
import type { Catalogues } from '../catalogues.js';
import type { AcceptedDocument, DocumentRequirement, EndUserRequirement, Regulation, RequirementField } from '../regulations/regulation.js';
import * as say from './messages.js';
import { CODES } from './messages.js';

export interface EvaluatedItem {
  sid: string;
  kind: 'end_user' | 'supporting_document';
  type: string;
  /** Parsed attributes. */
  attributes: Record<string, unknown>;
}

export interface InvalidField {
  friendly_name: string;
  object_field: string;
  failure_reason: string;
  error_code: number;
}

export interface ValidField {
  object_field: string;
  error_code: null;
  friendly_name: string;
  passed: true;
  failure_reason: null;
}

export type FieldCheck = InvalidField | ValidField;

export interface EvaluationResult {
  friendly_name: string;
  object_type: string;
  passed: boolean;
  failure_reason: string | null;
  error_code: number | null;
  valid: ValidField[];
  invalid: InvalidField[];
  requirement_friendly_name: string;
  requirement_name: string;
}

export interface Evaluation {
  status: 'compliant' | 'noncompliant';
  results: EvaluationResult[];
}

/** What the engine reads of the catalogues: End-User Type names and fields. */
export type EvaluationCatalogues = Pick<Catalogues, 'endUserTypes'>;

export function evaluate(regulation: Regulation, items: readonly EvaluatedItem[], catalogues: EvaluationCatalogues): Evaluation {
  let subject: Subject | undefined;
  const results: EvaluationResult[] = regulation.endUser.map((requirement) => {
    const { result, chosen } = evaluateEndUser(requirement, items, catalogues);
    subject ??= subjectOf(requirement, chosen, catalogues);
    return result;
  });
  for (const group of regulation.supportingDocument) {
    for (const requirement of group) results.push(evaluateDocument(requirement, items, subject));
  }
  return { status: results.every((r) => r.passed) ? 'compliant' : 'noncompliant', results };
}

/** The End-User that documents are compared with. */
interface Subject {
  /** The end-user requirement's friendly name: "within {info} information". */
  info: string;
  /** The End-User Type's field names: document fields of these names must match. */
  fields: ReadonlySet<string>;
  item: EvaluatedItem | undefined;
}

function subjectOf(requirement: EndUserRequirement, item: EvaluatedItem | undefined, catalogues: EvaluationCatalogues): Subject {
  const type = catalogues.endUserTypes.findByMachineName(requirement.type);
  const names = type ? type.fields.map((f) => f.machineName) : requirement.fields.map((f) => f.machineName);
  return { info: requirement.name, fields: new Set(names), item };
}

interface Checks {
  valid: ValidField[];
  invalid: InvalidField[];
}

function evaluateEndUser(requirement: EndUserRequirement, items: readonly EvaluatedItem[], catalogues: EvaluationCatalogues) {
  const typeName = catalogues.endUserTypes.findByMachineName(requirement.type)?.friendlyName ?? requirement.name;
  const missing = (f: RequirementField): InvalidField =>
    invalid(f, say.endUserFieldMissing(f.friendlyName, requirement.name), CODES.endUserFieldMissing);
  const base = { friendly_name: typeName, object_type: requirement.type };
  const candidates = items.filter((item) => item.kind === 'end_user' && item.type === requirement.type);
  const chosen = best(candidates, (item) => checkFields(requirement.fields, item, (f, value) => (present(value) ? undefined : missing(f))));
  const result = chosen
    ? resultOf(requirement, base, chosen.checks)
    : resultOf(requirement, base, { valid: [], invalid: required(requirement.fields).map(missing) }, {
        reason: say.endUserMissing(typeName),
        code: CODES.endUserMissing,
      });
  return { result, chosen: chosen?.item };
}

function evaluateDocument(requirement: DocumentRequirement, items: readonly EvaluatedItem[], subject: Subject | undefined): EvaluationResult {
  const candidates: { item: EvaluatedItem; accepted: AcceptedDocument }[] = [];
  for (const item of items) {
    const accepted = item.kind === 'supporting_document' ? requirement.acceptedDocuments.find((d) => d.type === item.type) : undefined;
    if (accepted) candidates.push({ item, accepted });
  }
  const chosen = best(candidates, ({ item, accepted }) => checkFields(accepted.fields, item, (f, value) => judgeDocumentField(f, value, accepted, subject)));
  if (chosen) return resultOf(requirement, { friendly_name: chosen.item.accepted.name, object_type: chosen.item.accepted.type }, chosen.checks);
  // The regulation schema guarantees at least one accepted document.
  const first = requirement.acceptedDocuments[0] as AcceptedDocument;
  return resultOf(
    requirement,
    { friendly_name: first.name, object_type: first.type },
    { valid: [], invalid: required(first.fields).map((f) => documentFieldMissing(f, first, subject)) },
    { reason: say.documentMissing(first.name), code: CODES.documentMissing },
  );
}

function judgeDocumentField(f: RequirementField, value: unknown, accepted: AcceptedDocument, subject: Subject | undefined): InvalidField | undefined {
  if (!present(value)) return documentFieldMissing(f, accepted, subject);
  if (!matches(f, subject)) return undefined;
  const expected = subject?.item?.attributes[f.machineName];
  if (!present(expected) || sameValue(value, expected)) return undefined;
  return invalid(f, say.matchedFieldMismatch(f.friendlyName, accepted.name, subject?.info ?? ''), CODES.documentFieldMismatch);
}

function documentFieldMissing(f: RequirementField, accepted: AcceptedDocument, subject: Subject | undefined): InvalidField {
  if (f.machineName === 'address_sids') return invalid(f, f.missingReason ?? say.addressMissing(accepted.name), CODES.addressMissing);
  const reason =
    f.missingReason ??
    (matches(f, subject) ? say.matchedFieldMissing(f.friendlyName, accepted.name, subject?.info ?? '') : say.documentFieldMissing(f.friendlyName, accepted.name));
  return invalid(f, reason, CODES.documentFieldMissing);
}

/** Whether a document's field must equal the End-User's field of the same name. */
function matches(f: RequirementField, subject: Subject | undefined): boolean {
  return f.matchEndUser && subject !== undefined && subject.fields.has(f.machineName);
}

/** Checks every field of an item: `judge` answers an invalid entry, or undefined when the field passes. */
function checkFields(fields: readonly RequirementField[], item: EvaluatedItem, judge: (f: RequirementField, value: unknown) => InvalidField | undefined): Checks {
  const checks: Checks = { valid: [], invalid: [] };
  for (const f of fields) {
    const value = item.attributes[f.machineName];
    if (f.optional) {
      if (present(value)) checks.valid.push(valid(f));
      continue;
    }
    const failure = judge(f, value);
    if (failure) checks.invalid.push(failure);
    else checks.valid.push(valid(f));
  }
  return checks;
}

/** The candidate with the fewest invalid fields, then the most valid ones; the first assigned on a tie. */
function best<T>(candidates: readonly T[], check: (candidate: T) => Checks): { item: T; checks: Checks } | undefined {
  let chosen: { item: T; checks: Checks } | undefined;
  for (const item of candidates) {
    const checks = check(item);
    const better =
      !chosen ||
      checks.invalid.length < chosen.checks.invalid.length ||
      (checks.invalid.length === chosen.checks.invalid.length && checks.valid.length > chosen.checks.valid.length);
    if (better) chosen = { item, checks };
  }
  return chosen;
}

function resultOf(
  requirement: { name: string; requirementName: string },
  object: { friendly_name: string; object_type: string },
  checks: Checks,
  missing?: { reason: string; code: number },
): EvaluationResult {
  const first = checks.invalid[0];
  const failure = missing ?? (first ? { reason: first.failure_reason, code: first.error_code } : undefined);
  return {
    friendly_name: object.friendly_name,
    object_type: object.object_type,
    passed: failure === undefined,
    failure_reason: failure?.reason ?? null,
    error_code: failure?.code ?? null,
    valid: checks.valid,
    invalid: checks.invalid,
    requirement_friendly_name: requirement.name,
    requirement_name: requirement.requirementName,
  };
}

function required(fields: readonly RequirementField[]): RequirementField[] {
  return fields.filter((f) => !f.optional);
}

function invalid(f: RequirementField, failure_reason: string, error_code: number): InvalidField {
  return { friendly_name: f.friendlyName, object_field: f.machineName, failure_reason, error_code };
}

function valid(f: RequirementField): ValidField {
  return { object_field: f.machineName, error_code: null, friendly_name: f.machineName.replaceAll('_', ' '), passed: true, failure_reason: null };
}

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' ? a === b : JSON.stringify(a) === JSON.stringify(b);
}
