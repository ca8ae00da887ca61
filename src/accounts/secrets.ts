import { randomBytes, timingSafeEqual } from 'node:crypto';
import { seededBytes } from '../determinism/entropy.js';
import { scrypt } from './scrypt.js';

/**
 * Auth tokens and API key secrets are stored only as salted scrypt hashes:
 * `scrypt$N$r$p$salt$hash` (base64url). scrypt runs on its own thread, off the event loop.
 */
const N = 16384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number, abandoned?: () => boolean): Promise<Buffer> {
  return scrypt(secret, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r }, abandoned);
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** `abandoned`: asked before the check runs; when true, it is dropped (ScryptAbandonedError). */
export async function verifySecret(secret: string, stored: string, abandoned?: () => boolean): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p), abandoned);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A stand-in hash, verified against when a username is unknown so that costs the same. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`;

/** 32 lowercase hex digits, the shape of Twilio's auth tokens (seeded in a deterministic run). */
export function newAuthToken(): string {
  return (seededBytes(16) ?? randomBytes(16)).toString('hex');
}

/** 32 alphanumerics, the shape of Twilio's API key secrets. */
export function newKeySecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(64);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const b of bytes) {
    if (b < 248) out += alphabet[b % 62];
    if (out.length === 32) return out;
  }
  return out + newKeySecret().slice(0, 32 - out.length);
}
