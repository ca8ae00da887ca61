import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Auth tokens are stored as scrypt hashes for authentication, and sealed (AES-256-GCM) with a
 * key the database does not hold, only so that status callbacks can be signed with them, as
 * Twilio signs (X-Twilio-Signature). A copy of the database alone does not give the tokens.
 *
 * The key: REGCOMP_SECRETS_KEY (64 hex digits), else the file REGCOMP_SECRETS_KEY_FILE, else
 * ./data/secrets.key, made on first use (mode 0600). Every instance of one store needs the
 * same key: with several instances, set REGCOMP_SECRETS_KEY (or share the file).
 */
export class TokenVault {
  constructor(private readonly key: Buffer) {}

  /** A key of its own for another purpose (HKDF-SHA256), so no two uses share a key. */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, 32));
  }

  seal(token: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([iv, cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${sealed.toString('base64url')}`;
  }

  /** The token, or undefined when it was sealed with another key (or never). */
  open(sealed: string): string | undefined {
    if (!sealed.startsWith('v1.')) return undefined;
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    if (bytes.length < 12 + 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

const KEY_HEX = /^[0-9a-fA-F]{64}$/;
const vaults = new Map<string, TokenVault>();

/** The vault of this process's configuration (see TokenVault); a bad key stops with a message. */
export function vaultFromEnvironment(env: Record<string, string | undefined> = process.env): TokenVault {
  const given = env.REGCOMP_SECRETS_KEY;
  if (given) {
    if (!KEY_HEX.test(given)) throw new Error('REGCOMP_SECRETS_KEY must be 64 hex digits (32 bytes)');
    return cached(`env:${given}`, () => Buffer.from(given, 'hex'));
  }
  const file = path.resolve(env.REGCOMP_SECRETS_KEY_FILE || 'data/secrets.key');
  return cached(`file:${file}`, () => readOrCreateKey(file));
}

function cached(id: string, load: () => Buffer): TokenVault {
  let vault = vaults.get(id);
  if (!vault) {
    vault = new TokenVault(load());
    vaults.set(id, vault);
  }
  return vault;
}

function readOrCreateKey(file: string): Buffer {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // 'wx': two processes starting at once make one key; the other reads it.
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!KEY_HEX.test(text)) throw new Error(`${file} must hold 64 hex digits (a regcomp secrets key)`);
  return Buffer.from(text, 'hex');
}
