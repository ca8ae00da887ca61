import { randomBytes } from 'node:crypto';
import { seededBytes } from '../determinism/entropy.js';

// Each call into the CSPRNG has a fixed cost (several µs here) whatever the size, so bytes
// are drawn 4 KiB at a time and handed out 16 at a time; every byte is used once.
const POOL_BYTES = 4096;
const SID_BYTES = 16;
let pool = Buffer.alloc(0);
let offset = 0;

/** Two-letter prefix + 32 lowercase hex digits from a CSPRNG (or a deterministic run's stream), like Twilio's own SIDs. */
export function newSid(prefix: string): string {
  const seeded = seededBytes(SID_BYTES);
  if (seeded) return prefix + seeded.toString('hex');
  if (offset + SID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const sid = prefix + pool.toString('hex', offset, offset + SID_BYTES);
  offset += SID_BYTES;
  return sid;
}

const SID_BODY = /^[0-9a-fA-F]{32}$/;

export function isSid(value: string, prefix: string): boolean {
  return value.length === 34 && value.startsWith(prefix) && SID_BODY.test(value.slice(2));
}
