/**
 * The installation's Apple pass signer, loaded once at start-up.
 *
 * Apple gives out a pass type certificate, its key and the WWDR intermediate as separate
 * files, and a wrong one does not fail where it is configured: a pass signed with a
 * mismatched key or the wrong WWDR generation simply refuses to install on the phone,
 * with no reason given. So every mistake we can see here is a `ConfigError` naming the
 * variable to fix, at start-up.
 *
 * With nothing configured, Stampflow makes a development signer (its own CA standing in
 * for WWDR) once under the data directory: passes build, sign and verify end to end, but
 * do not install on real devices.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import type { AppleSigner } from '../channels/wallet/types';
import { ConfigError } from '../config';
import { makeCertificate } from './x509';

export interface AppleCredentialsInput {
  readonly passTypeId?: string | undefined;
  readonly teamId?: string | undefined;
  /** Path of the pass type certificate (PEM). */
  readonly certPath?: string | undefined;
  /** Path of its private key (PEM, possibly encrypted). */
  readonly keyPath?: string | undefined;
  readonly keyPassphrase?: string | undefined;
  /** Path of Apple's WWDR intermediate certificate (PEM). */
  readonly wwdrPath?: string | undefined;
  /** `STAMPFLOW_DATA_DIR`: where the development signer lives. */
  readonly dataDir: string;
}

export const DEV_PASS_TYPE_ID = 'pass.dev.stampflow.local';
export const DEV_TEAM_ID = 'STAMPFLOWDEV';
/** Under the data directory. */
export const DEV_SIGNER_DIR = 'wallet-dev';
const DEV_FILES = { wwdr: 'dev-ca.pem', cert: 'pass-cert.pem', key: 'pass-key.pem' } as const;

/** The settings that must be all set or all unset, with their environment names. */
const REQUIRED = {
  passTypeId: 'APPLE_PASS_TYPE_ID',
  teamId: 'APPLE_TEAM_ID',
  certPath: 'APPLE_PASS_CERT',
  keyPath: 'APPLE_PASS_KEY',
  wwdrPath: 'APPLE_WWDR_CERT',
} as const;
const PASSPHRASE = 'APPLE_PASS_KEY_PASSPHRASE';

const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Loads and checks the configured signer, or the development signer when nothing is
 * configured. Throws `ConfigError` naming the variable at fault.
 *
 * @example
 * const signer = loadAppleSigner({ passTypeId: env.APPLE_PASS_TYPE_ID, teamId: env.APPLE_TEAM_ID,
 *   certPath: env.APPLE_PASS_CERT, keyPath: env.APPLE_PASS_KEY, keyPassphrase: env.APPLE_PASS_KEY_PASSPHRASE,
 *   wwdrPath: env.APPLE_WWDR_CERT, dataDir: config.dataDir });
 */
export function loadAppleSigner(input: AppleCredentialsInput): AppleSigner {
  const keys = Object.keys(REQUIRED) as (keyof typeof REQUIRED)[];
  const missing = keys.filter((key) => !isSet(input[key]));
  if (missing.length === keys.length) {
    if (isSet(input.keyPassphrase)) {
      throw new ConfigError(
        `${PASSPHRASE} is set but no Apple certificate is: set ${Object.values(REQUIRED).join(', ')} too, or unset ${PASSPHRASE} to use the development signer`,
      );
    }
    return developmentSigner(input.dataDir);
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `Apple Wallet is partly configured: missing ${missing.map((key) => REQUIRED[key]).join(', ')} ` +
        `(set all of ${Object.values(REQUIRED).join(', ')}, plus ${PASSPHRASE} for an encrypted key; or none for the development signer)`,
    );
  }
  const { passTypeId, teamId, certPath, keyPath, wwdrPath, keyPassphrase } = input as Required<AppleCredentialsInput>;
  return checkedSigner({
    passTypeId,
    teamId,
    cert: readSetting(REQUIRED.certPath, certPath),
    key: readSetting(REQUIRED.keyPath, keyPath),
    wwdr: readSetting(REQUIRED.wwdrPath, wwdrPath),
    keyPassphrase: isSet(keyPassphrase) ? keyPassphrase : undefined,
    development: false,
  });
}

interface SignerFiles {
  readonly passTypeId: string;
  readonly teamId: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly wwdr: Buffer;
  readonly keyPassphrase: string | undefined;
  readonly development: boolean;
}

/** Every check Wallet would otherwise fail silently on the phone. */
function checkedSigner(files: SignerFiles): AppleSigner {
  const cert = parseCertificate(REQUIRED.certPath, files.cert);
  const wwdr = parseCertificate(REQUIRED.wwdrPath, files.wwdr);
  const keyPem = files.key.toString('utf8');
  const key = parsePrivateKey(keyPem, files.keyPassphrase);
  checkValidity(REQUIRED.certPath, cert);
  checkValidity(REQUIRED.wwdrPath, wwdr);
  const uid = subjectField(cert, 'UID');
  if (uid !== files.passTypeId) {
    throw new ConfigError(
      `${REQUIRED.certPath} is for ${uid === undefined ? 'no pass type (its subject has no UID)' : `pass type ${JSON.stringify(uid)}`}, ` +
        `but ${REQUIRED.passTypeId} is ${JSON.stringify(files.passTypeId)}: Apple's pass type certificates carry the pass type id in their UID`,
    );
  }
  const team = subjectField(cert, 'OU');
  if (team !== undefined && team !== files.teamId) {
    throw new ConfigError(
      `${REQUIRED.certPath} belongs to team ${JSON.stringify(team)} (its OU), but ${REQUIRED.teamId} is ${JSON.stringify(files.teamId)}`,
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new ConfigError(`${REQUIRED.keyPath} is not the private key of ${REQUIRED.certPath}: they do not match`);
  }
  if (!cert.checkIssued(wwdr) || !cert.verify(wwdr.publicKey)) {
    throw new ConfigError(
      `${REQUIRED.certPath} was not issued by ${REQUIRED.wwdrPath} (issuer ${oneLine(cert.issuer)}; ${REQUIRED.wwdrPath} is ${oneLine(wwdr.subject)}): ` +
        `download the WWDR generation that issued it (G4 for current pass type certificates)`,
    );
  }
  return {
    passTypeId: files.passTypeId,
    teamId: files.teamId,
    wwdrPem: wwdr.toString(),
    certPem: cert.toString(),
    keyPem,
    keyPassphrase: files.keyPassphrase,
    development: files.development,
  };
}

function readSetting(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(`${variable}: cannot read ${path} (${reason})`);
  }
}

function parseCertificate(variable: string, file: Buffer): X509Certificate {
  if (!file.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
    // Apple's portal hands out `.cer` files in DER: say how to convert rather than just "bad".
    const der = tryParse(() => new X509Certificate(file));
    const hint = der
      ? `; it is DER (Apple's .cer download): convert it with \`openssl x509 -inform DER -in file.cer -out file.pem\``
      : '';
    throw new ConfigError(`${variable} is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)${hint}`);
  }
  try {
    return new X509Certificate(file);
  } catch (err) {
    throw new ConfigError(`${variable} is not a valid PEM certificate (${(err as Error).message})`);
  }
}

/**
 * Checks the key with Node (what TLS to APNs will use) and with node-forge (what
 * passkit-generator signs with), so a key only one of them reads fails here.
 */
function parsePrivateKey(pem: string, passphrase: string | undefined): KeyObject {
  const header = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----/.exec(pem);
  if (!header) {
    throw new ConfigError(
      `${REQUIRED.keyPath} is not a PEM private key (no -----BEGIN … PRIVATE KEY----- line); ` +
        'from a .p12 export: `openssl pkcs12 -in Certificates.p12 -nocerts -out key.pem`',
    );
  }
  const encrypted = header[1] === 'ENCRYPTED ' || pem.includes('Proc-Type: 4,ENCRYPTED');
  if (encrypted && passphrase === undefined) {
    throw new ConfigError(`${REQUIRED.keyPath} is encrypted: set ${PASSPHRASE}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (err) {
    if (encrypted) throw new ConfigError(`${PASSPHRASE} does not decrypt ${REQUIRED.keyPath} (wrong passphrase?)`);
    throw new ConfigError(`${REQUIRED.keyPath} is not a valid PEM private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(`${REQUIRED.keyPath} is a ${key.asymmetricKeyType ?? 'non-RSA'} key; pass type keys are RSA`);
  }
  if (!tryParse(() => forge.pki.decryptRsaPrivateKey(pem, passphrase))) {
    throw new ConfigError(
      `${REQUIRED.keyPath}: the pass signer (node-forge) cannot read this key's format; ` +
        'convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-pkcs8.pem`',
    );
  }
  return key;
}

function checkValidity(variable: string, cert: X509Certificate, now = new Date()): void {
  const validTo = new Date(cert.validTo);
  if (validTo <= now)
    throw new ConfigError(`${variable} expired on ${validTo.toISOString()}: renew it in Apple's developer portal`);
  const validFrom = new Date(cert.validFrom);
  if (validFrom > now) throw new ConfigError(`${variable} is not valid before ${validFrom.toISOString()}`);
}

/** A subject attribute (`UID`, `OU`, …) from Node's one-per-line rendering. */
function subjectField(cert: X509Certificate, name: string): string | undefined {
  const prefix = `${name}=`;
  return cert.subject
    .split('\n')
    .find((line) => line.startsWith(prefix))
    ?.slice(prefix.length);
}

const oneLine = (dn: string): string => dn.split('\n').join(', ');

function tryParse<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

/**
 * The development signer under `<dataDir>/wallet-dev/`: read back when it is there and
 * still valid, so every process and every restart signs with the same certificate (a
 * pass on a simulator keeps updating); made otherwise. The files are written into a
 * temporary directory renamed into place, so two processes starting together end up
 * with one complete set, never a certificate from one and a key from the other.
 */
function developmentSigner(dataDir: string): AppleSigner {
  const dir = join(dataDir, DEV_SIGNER_DIR);
  const existing = readDevelopmentSigner(dir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const staging = mkdtempSync(join(dataDir, `.${DEV_SIGNER_DIR}-`));
  try {
    writeDevelopmentFiles(staging);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        renameSync(staging, dir);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        // Another process made one meanwhile (use it), or the existing one is broken (replace it).
        const theirs = readDevelopmentSigner(dir);
        if (theirs) return theirs;
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const made = readDevelopmentSigner(dir);
  if (!made) throw new Error(`could not create the development Apple signer in ${dir}`);
  return made;
}

function readDevelopmentSigner(dir: string): AppleSigner | undefined {
  const paths = Object.values(DEV_FILES).map((name) => join(dir, name));
  if (!paths.every((path) => existsSync(path))) return undefined;
  try {
    return checkedSigner({
      passTypeId: DEV_PASS_TYPE_ID,
      teamId: DEV_TEAM_ID,
      wwdr: readFileSync(join(dir, DEV_FILES.wwdr)),
      cert: readFileSync(join(dir, DEV_FILES.cert)),
      key: readFileSync(join(dir, DEV_FILES.key)),
      keyPassphrase: undefined,
      development: true,
    });
  } catch (err) {
    if (err instanceof ConfigError) return undefined; // damaged or expired: make a new one
    throw err;
  }
}

function writeDevelopmentFiles(dir: string): void {
  const ca = makeCertificate({
    subject: { commonName: 'Stampflow Development CA (not Apple WWDR)', organizationName: 'Stampflow development' },
    ca: true,
  });
  const pass = makeCertificate({
    subject: {
      UID: DEV_PASS_TYPE_ID,
      commonName: `Pass Type ID: ${DEV_PASS_TYPE_ID}`,
      organizationalUnitName: DEV_TEAM_ID,
    },
    issuer: ca,
    usage: ['clientAuth'],
  });
  // The CA's key is not kept: nothing else is ever signed with it.
  writeFileSync(join(dir, DEV_FILES.wwdr), ca.certPem);
  writeFileSync(join(dir, DEV_FILES.cert), pass.certPem);
  writeFileSync(join(dir, DEV_FILES.key), pass.keyPem, { mode: 0o600 });
}
