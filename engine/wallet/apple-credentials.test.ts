/**
 * The signer loader against real files: the suite's test certificates, files written
 * here (garbage, DER, expired, another CA) and the development signer in a temp dir.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  testCertificates,
  TEST_KEY_PASSPHRASE,
  TEST_PASS_TYPE_ID,
  TEST_TEAM_ID,
  type TestCertificates,
} from '../../test/support/certs';
import { ConfigError } from '../config';
import {
  DEV_PASS_TYPE_ID,
  DEV_SIGNER_DIR,
  DEV_TEAM_ID,
  loadAppleSigner,
  type AppleCredentialsInput,
} from './apple-credentials';
import { makeCertificate } from './x509';

let certs: TestCertificates;
let dir: string;

beforeAll(() => {
  certs = testCertificates();
  dir = mkdtempSync(join(tmpdir(), 'stampflow-apple-credentials-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A complete, valid configuration with the suite's certificates. */
function configured(overrides: Partial<AppleCredentialsInput> = {}): AppleCredentialsInput {
  return {
    passTypeId: TEST_PASS_TYPE_ID,
    teamId: TEST_TEAM_ID,
    certPath: certs.passCertPath,
    keyPath: certs.passKeyPath,
    wwdrPath: certs.caPath,
    dataDir: join(dir, 'unused-data'),
    ...overrides,
  };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Asserts a ConfigError whose message matches every pattern. */
function expectConfigError(input: AppleCredentialsInput, ...patterns: RegExp[]): void {
  let error: unknown;
  try {
    loadAppleSigner(input);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  for (const pattern of patterns) expect((error as Error).message).toMatch(pattern);
}

describe('loadAppleSigner: configured', () => {
  it('loads the PEM strings of a valid configuration', () => {
    const signer = loadAppleSigner(configured());
    expect(signer).toMatchObject({
      passTypeId: TEST_PASS_TYPE_ID,
      teamId: TEST_TEAM_ID,
      development: false,
      keyPassphrase: undefined,
    });
    expect(new X509Certificate(signer.certPem).fingerprint256).toBe(
      new X509Certificate(certs.pass.certPem).fingerprint256,
    );
    expect(new X509Certificate(signer.wwdrPem).fingerprint256).toBe(
      new X509Certificate(certs.ca.certPem).fingerprint256,
    );
    expect(signer.keyPem).toBe(certs.pass.keyPem);
  });

  it('keeps the passphrase of an encrypted key', () => {
    const signer = loadAppleSigner(
      configured({ keyPath: certs.passKeyEncryptedPath, keyPassphrase: TEST_KEY_PASSPHRASE }),
    );
    expect(signer.keyPassphrase).toBe(TEST_KEY_PASSPHRASE);
    expect(signer.keyPem).toContain('ENCRYPTED PRIVATE KEY');
  });

  it('names the missing variables of a partial configuration', () => {
    expectConfigError(
      { passTypeId: TEST_PASS_TYPE_ID, certPath: certs.passCertPath, dataDir: dir },
      /missing APPLE_TEAM_ID, APPLE_PASS_KEY, APPLE_WWDR_CERT \(/,
    );
    // An empty string counts as unset, as everywhere in the configuration.
    expectConfigError(configured({ wwdrPath: '' }), /missing APPLE_WWDR_CERT \(/);
    expectConfigError({ keyPassphrase: 'x', dataDir: dir }, /APPLE_PASS_KEY_PASSPHRASE is set/);
  });

  it('names the variable and the path of an unreadable file', () => {
    const path = join(dir, 'does-not-exist.pem');
    expectConfigError(configured({ certPath: path }), /^APPLE_PASS_CERT: cannot read/, new RegExp(path), /ENOENT/);
    expectConfigError(configured({ wwdrPath: dir }), /^APPLE_WWDR_CERT: cannot read/, /EISDIR/);
  });

  it('names the variable of a file that is not a PEM certificate or key', () => {
    const garbage = file('garbage.pem', 'not a certificate\n');
    expectConfigError(configured({ certPath: garbage }), /^APPLE_PASS_CERT is not a PEM certificate/);
    expectConfigError(configured({ wwdrPath: garbage }), /^APPLE_WWDR_CERT is not a PEM certificate/);
    expectConfigError(configured({ keyPath: garbage }), /^APPLE_PASS_KEY is not a PEM private key/);
    const broken = file('broken.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expectConfigError(configured({ certPath: broken }), /^APPLE_PASS_CERT is not a valid PEM certificate/);
    const brokenKey = file('broken-key.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expectConfigError(configured({ keyPath: brokenKey }), /^APPLE_PASS_KEY is not a valid PEM private key/);
    // The certificate given as a key, and the key as a certificate.
    expectConfigError(configured({ keyPath: certs.passCertPath }), /^APPLE_PASS_KEY is not a PEM private key/);
    expectConfigError(configured({ certPath: certs.passKeyPath }), /^APPLE_PASS_CERT is not a PEM certificate/);
  });

  it('says how to convert a DER certificate (Apple’s .cer download)', () => {
    const der = file('pass.cer', new X509Certificate(certs.pass.certPem).raw);
    expectConfigError(
      configured({ certPath: der }),
      /^APPLE_PASS_CERT is not a PEM certificate/,
      /openssl x509 -inform DER/,
    );
  });

  it('names APPLE_PASS_KEY_PASSPHRASE for an encrypted key without or with a wrong passphrase', () => {
    expectConfigError(
      configured({ keyPath: certs.passKeyEncryptedPath }),
      /APPLE_PASS_KEY is encrypted: set APPLE_PASS_KEY_PASSPHRASE/,
    );
    expectConfigError(
      configured({ keyPath: certs.passKeyEncryptedPath, keyPassphrase: 'wrong' }),
      /^APPLE_PASS_KEY_PASSPHRASE does not decrypt APPLE_PASS_KEY/,
    );
  });

  it('names both files when the key does not match the certificate', () => {
    const otherKey = file('ca-key.pem', certs.ca.keyPem);
    expectConfigError(configured({ keyPath: otherKey }), /APPLE_PASS_KEY is not the private key of APPLE_PASS_CERT/);
  });

  it('refuses a certificate for another pass type or team', () => {
    expectConfigError(
      configured({ passTypeId: 'pass.com.example.other' }),
      /APPLE_PASS_CERT is for pass type "pass\.test\.stampflow"/,
      /APPLE_PASS_TYPE_ID is "pass\.com\.example\.other"/,
    );
    expectConfigError(configured({ teamId: 'OTHERTEAM1' }), /team "TESTTEAM01"/, /APPLE_TEAM_ID is "OTHERTEAM1"/);
    const noUid = makeCertificate({ subject: { commonName: 'no uid' }, issuer: certs.ca });
    expectConfigError(
      configured({ certPath: file('no-uid.pem', noUid.certPem), keyPath: file('no-uid-key.pem', noUid.keyPem) }),
      /no pass type \(its subject has no UID\)/,
    );
  });

  it('refuses an expired certificate, with its date', () => {
    const expired = makeCertificate({
      subject: { UID: TEST_PASS_TYPE_ID, organizationalUnitName: TEST_TEAM_ID },
      issuer: certs.ca,
      validDays: -2,
    });
    const notAfter = new Date(new X509Certificate(expired.certPem).validTo).toISOString();
    expectConfigError(
      configured({ certPath: file('expired.pem', expired.certPem), keyPath: file('expired-key.pem', expired.keyPem) }),
      new RegExp(`^APPLE_PASS_CERT expired on ${notAfter.replace(/[.]/g, '\\.')}`),
    );
  });

  it('refuses a WWDR certificate that did not issue the pass certificate', () => {
    const otherCa = makeCertificate({ subject: { commonName: 'Another CA' }, ca: true });
    expectConfigError(
      configured({ wwdrPath: file('other-ca.pem', otherCa.certPem) }),
      /APPLE_PASS_CERT was not issued by APPLE_WWDR_CERT/,
      /Another CA/,
    );
  });
});

describe('loadAppleSigner: development signer', () => {
  it('is made once under <dataDir>/wallet-dev and reused on later starts', () => {
    const dataDir = join(dir, 'data');
    const first = loadAppleSigner({ dataDir });
    expect(first).toMatchObject({ passTypeId: DEV_PASS_TYPE_ID, teamId: DEV_TEAM_ID, development: true });
    expect(existsSync(join(dataDir, DEV_SIGNER_DIR, 'pass-key.pem'))).toBe(true);
    expect(new X509Certificate(first.certPem).subject).toContain(`UID=${DEV_PASS_TYPE_ID}`);

    const second = loadAppleSigner({ dataDir, passTypeId: '', certPath: '' });
    expect(second.certPem).toBe(first.certPem);
    expect(second.keyPem).toBe(first.keyPem);
    expect(second.wwdrPem).toBe(first.wwdrPem);
  });

  it('passes the same checks as a configured signer', () => {
    const devDir = join(dir, 'data', DEV_SIGNER_DIR);
    loadAppleSigner({ dataDir: join(dir, 'data') });
    const signer = loadAppleSigner({
      passTypeId: DEV_PASS_TYPE_ID,
      teamId: DEV_TEAM_ID,
      certPath: join(devDir, 'pass-cert.pem'),
      keyPath: join(devDir, 'pass-key.pem'),
      wwdrPath: join(devDir, 'dev-ca.pem'),
      dataDir: dir,
    });
    expect(signer.development).toBe(false);
  });

  it('is made again when its files are damaged', () => {
    const dataDir = join(dir, 'damaged');
    const first = loadAppleSigner({ dataDir });
    writeFileSync(join(dataDir, DEV_SIGNER_DIR, 'pass-cert.pem'), 'damaged');
    const second = loadAppleSigner({ dataDir });
    expect(second.development).toBe(true);
    expect(second.certPem).not.toBe(first.certPem);
    expect(loadAppleSigner({ dataDir }).certPem).toBe(second.certPem);
  });
});
