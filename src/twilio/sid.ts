import { randomBytes } from 'node:crypto';

/** Two-letter prefix + 32 lowercase hex digits from a CSPRNG, like Twilio's own SIDs. */
export function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

const SID_BODY = /^[0-9a-fA-F]{32}$/;

export function isSid(value: string, prefix: string): boolean {
  return value.length === 34 && value.startsWith(prefix) && SID_BODY.test(value.slice(2));
}
