import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/**
 * The certificates, built with node-forge (X.509 and ASN.1) on keys made by Node's own crypto
 * (native and non-blocking; forge would otherwise generate RSA keys in JavaScript).
 */

export interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

const generate = promisify(generateKeyPair);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Browsers and Apple's clients refuse leaf certificates valid longer than 398 days. */
export const LEAF_VALIDITY_MS = 365 * DAY_MS;
const CA_VALIDITY_MS = 10 * 365 * DAY_MS;

export async function newKeyPair(): Promise<KeyPair> {
  const { privateKey } = await generate('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return keyPairFromPem(privateKey);
}

export function keyPairFromPem(pem: string): KeyPair {
  const key = forge.pki.privateKeyFromPem(pem);
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

/**
 * A CA that can only vouch for Twilio's hosts: the name constraint (RFC 5280 §4.2.1.10) makes
 * verifiers refuse anything it signs for another domain, so even a stolen key cannot forge a
 * certificate for, say, a bank.
 */
export function caCertificate(keys: KeyPair, commonName: string): forge.pki.Certificate {
  const cert = baseCertificate(keys.publicKey, CA_VALIDITY_MS);
  const name = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'regcomp' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { id: '2.5.29.30', critical: true, value: permittedDns('twilio.com') },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return cert;
}

/** A TLS server certificate for one host, signed by the CA. */
export function leafCertificate(host: string, keys: KeyPair, ca: { cert: forge.pki.Certificate; keys: KeyPair }): forge.pki.Certificate {
  const cert = baseCertificate(keys.publicKey, LEAF_VALIDITY_MS);
  cert.setSubject([{ name: 'commonName', value: host }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: host }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.keys.privateKey, forge.md.sha256.create());
  return cert;
}

function baseCertificate(publicKey: forge.pki.rsa.PublicKey, validityMs: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive 128-bit random serial: unique without any state to keep.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  // Backdated an hour, so a client whose clock runs a little behind still accepts it.
  cert.validity.notBefore = new Date(Date.now() - HOUR_MS);
  cert.validity.notAfter = new Date(Date.now() + validityMs);
  return cert;
}

/** NameConstraints ::= SEQUENCE { permittedSubtrees [0] SEQUENCE OF SEQUENCE { dNSName [2] } } */
function permittedDns(domain: string): forge.asn1.Asn1 {
  const { asn1 } = forge;
  const subtree = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, domain)]);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [subtree])]);
}
