import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TokenVault, vaultFromEnvironment } from '../accounts/vault.js';
import type { Dialect } from './db.js';

/**
 * Personal data at rest on PostgreSQL: `attributes` (and document files) are stored sealed (AES-256-GCM) under a key
 * the database does not hold, derived from the secrets key (REGCOMP_SECRETS_KEY or its file,
 * see vault.ts). PostgreSQL keeps a deleted or replaced row's bytes for a while (dead tuples
 * until VACUUM, WAL segments, archives, replicas, backups); sealed, those bytes alone reveal
 * nothing, and once the key that sealed them is retired (see `previousKeys`) nothing can.
 *
 * Document files' chunks are sealed the same way (sealBytes/openBytes).
 *
 * SQLite stays in clear: its erasure is real (secure_delete, WAL truncation), its store sits
 * beside its key anyway, and its hot path is the one benchmarked.
 *
 * A sealed value is a JSON string, `"ps1.<key id>.<base64url(iv | ciphertext | tag)>"`, so
 * that the SQL which splices `attributes` into a response still yields valid JSON, and stored
 * text tells by its first character which it is (attributes in clear are an object: `{`).
 */
const PREFIX = '"ps1.';
const PURPOSE = 'regcomp attributes v1';
/** Binds the ciphertext to its use: a sealed token taken elsewhere does not open as attributes. */
const AAD = Buffer.from('attributes');

const FILE_MAGIC = Buffer.from('RCF1');
const FILE_AAD = Buffer.from('document file');
const FILE_OVERHEAD = 4 + 4 + 12 + 16;

interface PiiKey {
  id: string;
  key: Buffer;
}

function piiKey(vault: TokenVault): PiiKey {
  const key = vault.derive(PURPOSE);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export class UnknownPiiKeyError extends Error {
  constructor(id: string) {
    super(`attributes sealed under key ${id}, which this instance does not have (REGCOMP_SECRETS_KEY, REGCOMP_SECRETS_KEY_PREVIOUS)`);
  }
}

interface PiiKeys {
  current: PiiKey;
  byId: Map<string, Buffer>;
}

export class PiiSealer {
  private loaded: PiiKeys | undefined;

  constructor(
    /** Whether new values are sealed: on PostgreSQL. Opening works either way. */
    readonly seals: boolean,
    /** Read when first needed: a store in clear never needs (or makes) a key file. */
    private readonly loadKeys: () => { current: PiiKey; previous: readonly PiiKey[] },
  ) {}

  private keys(): PiiKeys {
    if (!this.loaded) {
      const { current, previous } = this.loadKeys();
      this.loaded = { current, byId: new Map([current, ...previous].map((k) => [k.id, k.key])) };
    }
    return this.loaded;
  }

  /** Compact JSON object text as it is to be stored. */
  seal(json: string): string {
    if (!this.seals) return json;
    const iv = randomBytes(12);
    const { current } = this.keys();
    const cipher = createCipheriv('aes-256-gcm', current.key, iv).setAAD(AAD);
    const sealed = Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${current.id}.${sealed.toString('base64url')}"`;
  }

  /** Stored text -> the JSON object text (stored in clear: as is). */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const dot = stored.indexOf('.', PREFIX.length);
    const id = stored.slice(PREFIX.length, dot);
    const key = this.keys().byId.get(id);
    if (!key) throw new UnknownPiiKeyError(id);
    const bytes = Buffer.from(stored.slice(dot + 1, -1), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(AAD);
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
  }

  /**
   * A document file's chunk as it is to be stored: `RCF1`, the key id (4 bytes), then iv,
   * ciphertext and tag. 36 bytes more per 64 KiB chunk.
   */
  sealBytes(bytes: Buffer): Buffer {
    if (!this.seals) return bytes;
    const { current } = this.keys();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv).setAAD(FILE_AAD);
    return Buffer.concat([FILE_MAGIC, Buffer.from(current.id, 'hex'), iv, cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
  }

  /**
   * A stored chunk -> the file's bytes. A chunk stored in clear passes as is, even one that
   * happens to begin with the magic: only a chunk that authenticates is opened.
   */
  openBytes(stored: Buffer): Buffer {
    if (stored.length < FILE_OVERHEAD || !stored.subarray(0, 4).equals(FILE_MAGIC)) return stored;
    const id = stored.subarray(4, 8).toString('hex');
    const key = this.keys().byId.get(id);
    if (!key) throw new UnknownPiiKeyError(id);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, stored.subarray(8, 20)).setAAD(FILE_AAD);
      decipher.setAuthTag(stored.subarray(stored.length - 16));
      return Buffer.concat([decipher.update(stored.subarray(20, stored.length - 16)), decipher.final()]);
    } catch {
      return stored;
    }
  }

  /** The first 8 bytes of every chunk sealed under the current key. */
  currentBytesPrefix(): Buffer {
    return Buffer.concat([FILE_MAGIC, Buffer.from(this.keys().current.id, 'hex')]);
  }

  /** A SQL LIKE pattern that matches text sealed under the current key (the id is hex: no wildcards). */
  currentPrefix(): string {
    return `${PREFIX}${this.keys().current.id}.%`;
  }

  /**
   * A response fragment the database built around stored `attributes` (`…,"attributes":<stored>,…`),
   * with the attributes opened. Nothing before them can contain `,"attributes":"ps1.`: every
   * earlier value is a JSON string, in which a quote is always escaped.
   */
  openWithin(fragment: string): string {
    const marker = `,"attributes":${PREFIX}`;
    const at = fragment.indexOf(marker);
    if (at < 0) return fragment;
    const start = at + ',"attributes":'.length;
    const end = fragment.indexOf('"', start + 1) + 1;
    return fragment.slice(0, start) + this.open(fragment.slice(start, end)) + fragment.slice(end);
  }
}

const KEY_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * This process's sealer for a store of `dialect`: the secrets key seals; the keys in
 * REGCOMP_SECRETS_KEY_PREVIOUS (comma-separated, 64 hex digits each) still open what they sealed.
 */
export function piiSealer(dialect: Dialect, env: Record<string, string | undefined> = process.env): PiiSealer {
  return new PiiSealer(dialect === 'postgres', () => ({ current: piiKey(vaultFromEnvironment(env)), previous: previousKeys(env) }));
}

function previousKeys(env: Record<string, string | undefined>): PiiKey[] {
  return (env.REGCOMP_SECRETS_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((hex) => {
      if (!KEY_HEX.test(hex)) throw new Error('REGCOMP_SECRETS_KEY_PREVIOUS must be keys of 64 hex digits, comma-separated');
      return piiKey(new TokenVault(Buffer.from(hex, 'hex')));
    });
}

/** Opens stored attributes of either kind (sealed, or in clear), whatever the store. */
export function piiOpener(env: Record<string, string | undefined> = process.env): PiiSealer {
  return piiSealer('sqlite', env);
}
