import { createHmac } from 'node:crypto';

/**
 * Twilio's X-Twilio-Signature, as twilio.validateRequest checks it: base64 HMAC-SHA1, keyed by
 * the account's auth token, of the full URL followed by every POST parameter's name and value,
 * sorted by name. For GET the parameters are in the URL and nothing is appended.
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}
