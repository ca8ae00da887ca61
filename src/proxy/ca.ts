import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import forge from 'node-forge';
import { LEAF_VALIDITY_MS, caCertificate, keyPairFromPem, leafCertificate, newKeyPair } from './certs.js';
import type { KeyPair } from './certs.js';

export const CA_CERT_FILE = 'ca.cert.pem';
export const CA_KEY_FILE = 'ca.key.pem';

/** A CA directory that cannot be used as it is; the message says what to do. */
export class CaError extends Error {}

interface Leaf {
  context: tls.SecureContext;
  renewAt: number;
}

/**
 * The local CA: made once in its directory (the key 0600) and kept, so a client told to trust
 * it once keeps trusting it across restarts. Leaf certificates are made on first use of a host
 * and cached for the life of the process (renewed a day before they expire).
 */
export class LocalCa {
  private readonly leaves = new Map<string, Promise<Leaf>>();

  private constructor(
    readonly certPath: string,
    readonly certPem: string,
    private readonly cert: forge.pki.Certificate,
    private readonly keys: KeyPair,
  ) {}

  /** Loads the CA in `dir`, making it first if the directory has none. */
  static async open(dir: string): Promise<LocalCa> {
    const keyPath = path.join(dir, CA_KEY_FILE);
    const certPath = path.join(dir, CA_CERT_FILE);
    if (!(await exists(keyPath))) await create(dir, keyPath, certPath);
    const [keyPem, certPem] = [await readKey(keyPath), await readCert(certPath)];
    const keys = keyPairFromPem(keyPem);
    const cert = forge.pki.certificateFromPem(certPem);
    if (!(cert.publicKey as forge.pki.rsa.PublicKey).n.equals(keys.publicKey.n)) {
      throw new CaError(`${certPath} is not the certificate of ${keyPath}: remove both to make a new CA`);
    }
    return new LocalCa(certPath, certPem, cert, keys);
  }

  /** The TLS context that presents `host`'s certificate. */
  async contextFor(host: string): Promise<tls.SecureContext> {
    const cached = this.leaves.get(host);
    if (cached && (await cached).renewAt > Date.now()) return (await cached).context;
    const issuing = this.issue(host);
    this.leaves.set(host, issuing);
    issuing.catch(() => this.leaves.delete(host));
    return (await issuing).context;
  }

  private async issue(host: string): Promise<Leaf> {
    const keys = await newKeyPair();
    const cert = leafCertificate(host, keys, { cert: this.cert, keys: this.keys });
    const context = tls.createSecureContext({
      key: forge.pki.privateKeyToPem(keys.privateKey),
      cert: forge.pki.certificateToPem(cert),
    });
    return { context, renewAt: Date.now() + LEAF_VALIDITY_MS - 86_400_000 };
  }
}

/**
 * Writes a new CA. Several instances may share the directory and start together: the key is
 * put in place with link(), which only one of them can win; the losers drop theirs and load
 * the winner's pair.
 */
async function create(dir: string, keyPath: string, certPath: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const keys = await newKeyPair();
  const cert = caCertificate(keys, `regcomp local CA (${os.hostname()}, ${new Date().toISOString().slice(0, 10)})`);
  const suffix = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(keyPath + suffix, forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600, flag: 'wx' });
  await writeFile(certPath + suffix, forge.pki.certificateToPem(cert), { mode: 0o644, flag: 'wx' });
  try {
    await link(keyPath + suffix, keyPath);
    await rename(certPath + suffix, certPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await unlink(certPath + suffix);
  } finally {
    await unlink(keyPath + suffix);
  }
}

async function readKey(keyPath: string): Promise<string> {
  const { mode } = await stat(keyPath);
  if ((mode & 0o077) !== 0) {
    throw new CaError(`${keyPath} must be readable by its owner only (mode ${(mode & 0o777).toString(8)}): chmod 600 it`);
  }
  return readFile(keyPath, 'utf8');
}

/** The certificate, waiting briefly for another instance that has just won the race to put it in place. */
async function readCert(certPath: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await readFile(certPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 20) {
        throw new CaError(`cannot read the CA certificate ${certPath}: ${(err as Error).message}`);
      }
      await sleep(100);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
