/**
 * Twilio's evaluation failure reasons (compliance-flow.md §3.2). The wording of 22214–22217
 * and 22219 is copied from the OpenAPI example; 22218's is ours, built from 22217's.
 */

export const CODES = {
  endUserMissing: 22214,
  endUserFieldMissing: 22215,
  documentMissing: 22216,
  documentFieldMissing: 22217,
  documentFieldMismatch: 22218,
  addressMissing: 22219,
} as const;

/** "A" or "An", by the first letter of `word` (a vowel takes "An"). */
export function article(word: string, capital = true): string {
  const an = /^[aeiou]/i.test(word);
  return capital ? (an ? 'An' : 'A') : an ? 'an' : 'a';
}

export function endUserMissing(typeName: string): string {
  return `${article(typeName)} ${typeName} End-User is missing. Please add one to the regulatory bundle.`;
}

/** `info`: the end-user requirement's friendly name, as in "on the Business information". */
export function endUserFieldMissing(field: string, info: string): string {
  return `The ${field} is missing. Please enter in ${article(field, false)} ${field} on the ${info} information.`;
}

export function documentMissing(documentName: string): string {
  return `${article(documentName)} ${documentName} is missing. Please add one to the regulatory bundle.`;
}

export function documentFieldMissing(field: string, documentName: string): string {
  return `The ${field} is missing. Please enter in the ${field} shown on the ${documentName}.`;
}

/** A missing field that must also equal the End-User's: Twilio folds "does not match" into 22217. */
export function matchedFieldMissing(field: string, documentName: string, info: string): string {
  return `The ${field} is missing. Or, it does not match the ${field} you entered within ${info} information. Please enter in the ${field} shown on the ${documentName} or make sure both ${field} fields use the same exact inputs.`;
}

export function matchedFieldMismatch(field: string, documentName: string, info: string): string {
  return `The ${field} does not match the ${field} you entered within ${info} information. Please enter in the ${field} shown on the ${documentName} or make sure both ${field} fields use the same exact inputs.`;
}

export function addressMissing(documentName: string): string {
  return `The Address is missing. Please enter in the address shown on the ${documentName}.`;
}
