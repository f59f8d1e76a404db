/**
 * Small X.509 toolkit (node-forge) for what Stampflow must make itself: the development
 * pass signer used when no Apple certificate is configured, and the certificates the
 * tests' local APNs server and clients use. Keys come from Node's own crypto.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCert {
  /** PEM, PKCS#8 private key. */
  readonly keyPem: string;
  /** PEM certificate. */
  readonly certPem: string;
}

export interface CertificateRequest {
  /** Subject attributes, e.g. `{ commonName: 'Pass Type ID: pass.x', UID: 'pass.x' }`. */
  readonly subject: Readonly<Record<string, string>>;
  /** The issuer; omitted for a self-signed (CA) certificate. */
  readonly issuer?: KeyAndCert;
  /** A CA certificate (basicConstraints cA). */
  readonly ca?: boolean;
  /** DNS names and IPs for a TLS server certificate. */
  readonly altNames?: readonly string[];
  /** TLS client (`clientAuth`) and/or server (`serverAuth`) use. */
  readonly usage?: readonly ('clientAuth' | 'serverAuth')[];
  /** Default 10 years. */
  readonly validDays?: number;
}

/** Attribute names forge knows by short name; anything else is passed by name/type. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  commonName: 'CN',
  organizationName: 'O',
  organizationalUnitName: 'OU',
  countryName: 'C',
};
/** Apple puts the pass type id in the subject's UID (0.9.2342.19200300.100.1.1). */
const UID_OID = '0.9.2342.19200300.100.1.1';

function attributes(subject: Readonly<Record<string, string>>): forge.pki.CertificateField[] {
  return Object.entries(subject).map(([name, value]) =>
    name === 'UID'
      ? { type: UID_OID, value }
      : SHORT_NAMES[name]
        ? { shortName: SHORT_NAMES[name], value }
        : { name, value },
  );
}

/**
 * A random certificate serial (16 bytes) that DER encodes as it is: positive (the high bit
 * clear) and minimal (the first byte not zero). The serial this replaced ('0' and 15 random
 * bytes, an odd-length hex string) sometimes came out with a zero byte before a byte below
 * 0x80, which OpenSSL refuses ("illegal padding"): in a loop, 4 of 550 fresh starts of the
 * development signer failed with "could not create the development Apple signer".
 */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/**
 * Makes an RSA-2048 key and a certificate for it, signed by `issuer` (or self-signed).
 *
 * @example
 * const ca = makeCertificate({ subject: { commonName: 'Test CA' }, ca: true });
 * const server = makeCertificate({ subject: { commonName: 'localhost' }, issuer: ca, altNames: ['localhost', '127.0.0.1'], usage: ['serverAuth'] });
 */
export function makeCertificate(request: CertificateRequest): KeyAndCert {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = serialNumber();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + (request.validDays ?? 3650) * 24 * 60 * 60 * 1000);
  const subject = attributes(request.subject);
  cert.setSubject(subject);
  const issuerCert = request.issuer ? forge.pki.certificateFromPem(request.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: request.ca === true, critical: true },
    request.ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (request.usage?.length) {
    extensions.push({
      name: 'extKeyUsage',
      serverAuth: request.usage.includes('serverAuth'),
      clientAuth: request.usage.includes('clientAuth'),
    });
  }
  if (request.altNames?.length) {
    extensions.push({
      name: 'subjectAltName',
      altNames: request.altNames.map((n) => (/^[\d.]+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    });
  }
  cert.setExtensions(extensions);
  const signingKey = forge.pki.privateKeyFromPem(request.issuer ? request.issuer.keyPem : keyPem);
  cert.sign(signingKey, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert) };
}
