/**
 * Certificates for the wallet tests, made once per suite run by the global setup: a test
 * CA (standing in for Apple's WWDR and for the APNs server's issuer), the local APNs
 * server's TLS certificate, and a pass type certificate (the TLS client certificate APNs
 * checks, and the pass signer). The global setup puts the CA in NODE_EXTRA_CA_CERTS, so
 * the real client code trusts the local APNs server exactly as it trusts Apple's.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import type { AppleSigner } from '../../engine/channels/wallet/types';
import { makeCertificate, type KeyAndCert } from '../../engine/wallet/x509';

export const TEST_PASS_TYPE_ID = 'pass.test.stampflow';
export const TEST_TEAM_ID = 'TESTTEAM01';
export const TEST_KEY_PASSPHRASE = 'test-passphrase';

export interface TestCertificates {
  readonly dir: string;
  /** The CA: WWDR stand-in and the APNs server's issuer. */
  readonly caPath: string;
  readonly ca: KeyAndCert;
  readonly apnsServer: KeyAndCert;
  /** The pass type certificate (subject UID = TEST_PASS_TYPE_ID). */
  readonly passCertPath: string;
  /** Its key, unencrypted (PKCS#8). */
  readonly passKeyPath: string;
  /** Its key encrypted with TEST_KEY_PASSPHRASE. */
  readonly passKeyEncryptedPath: string;
  readonly pass: KeyAndCert;
}

const FILES = {
  caKey: 'ca-key.pem',
  ca: 'ca.pem',
  apnsKey: 'apns-server-key.pem',
  apnsCert: 'apns-server.pem',
  passKey: 'pass-key.pem',
  passKeyEncrypted: 'pass-key-encrypted.pem',
  passCert: 'pass-cert.pem',
} as const;

/** Makes the certificates and writes them into `dir`. */
export function writeTestCertificates(dir: string): TestCertificates {
  mkdirSync(dir, { recursive: true });
  const ca = makeCertificate({
    subject: { commonName: 'Stampflow Test CA', organizationName: 'Stampflow tests' },
    ca: true,
  });
  const apnsServer = makeCertificate({
    subject: { commonName: 'localhost' },
    issuer: ca,
    altNames: ['localhost', '127.0.0.1'],
    usage: ['serverAuth'],
  });
  const pass = makeCertificate({
    subject: {
      UID: TEST_PASS_TYPE_ID,
      commonName: `Pass Type ID: ${TEST_PASS_TYPE_ID}`,
      organizationalUnitName: TEST_TEAM_ID,
    },
    issuer: ca,
    usage: ['clientAuth'],
  });
  const encrypted = createPrivateKey(pass.keyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: TEST_KEY_PASSPHRASE })
    .toString();
  writeFileSync(join(dir, FILES.caKey), ca.keyPem);
  writeFileSync(join(dir, FILES.ca), ca.certPem);
  writeFileSync(join(dir, FILES.apnsKey), apnsServer.keyPem);
  writeFileSync(join(dir, FILES.apnsCert), apnsServer.certPem);
  writeFileSync(join(dir, FILES.passKey), pass.keyPem);
  writeFileSync(join(dir, FILES.passKeyEncrypted), encrypted);
  writeFileSync(join(dir, FILES.passCert), pass.certPem);
  return readTestCertificates(dir);
}

/** Reads certificates `writeTestCertificates` wrote. */
export function readTestCertificates(dir: string): TestCertificates {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    caPath: join(dir, FILES.ca),
    ca: { keyPem: read(FILES.caKey), certPem: read(FILES.ca) },
    apnsServer: { keyPem: read(FILES.apnsKey), certPem: read(FILES.apnsCert) },
    passCertPath: join(dir, FILES.passCert),
    passKeyPath: join(dir, FILES.passKey),
    passKeyEncryptedPath: join(dir, FILES.passKeyEncrypted),
    pass: { keyPem: read(FILES.passKey), certPem: read(FILES.passCert) },
  };
}

/**
 * The suite's certificates (the global setup names their directory in WALLET_TEST_CERTS
 * and their CA in NODE_EXTRA_CA_CERTS).
 */
export function testCertificates(): TestCertificates {
  const dir = process.env.WALLET_TEST_CERTS;
  if (!dir)
    throw new Error(
      'WALLET_TEST_CERTS is not set: run the tests through vitest (test/support/global-setup.ts makes the certificates)',
    );
  return readTestCertificates(dir);
}

/** The pass signer the suite's passes and APNs client use (a real, non-development signer). */
export function testSigner(certs: TestCertificates = testCertificates()): AppleSigner {
  return {
    passTypeId: TEST_PASS_TYPE_ID,
    teamId: TEST_TEAM_ID,
    wwdrPem: certs.ca.certPem,
    certPem: certs.pass.certPem,
    keyPem: certs.pass.keyPem,
    development: false,
  };
}

/** The `APPLE_*` settings of a process that signs passes and pushes with the test certificates. */
export function appleEnv(certs: TestCertificates = testCertificates()): Record<string, string> {
  return {
    APPLE_PASS_TYPE_ID: TEST_PASS_TYPE_ID,
    APPLE_TEAM_ID: TEST_TEAM_ID,
    APPLE_PASS_CERT: certs.passCertPath,
    APPLE_PASS_KEY: certs.passKeyPath,
    APPLE_WWDR_CERT: certs.caPath,
  };
}
