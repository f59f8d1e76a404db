/**
 * A throwaway Google service account for tests: a fresh RSA key pair and a key file shaped
 * like the one the Cloud console downloads, with `token_uri` pointing wherever the test says
 * (normally the local Google Wallet server's `/token`).
 *
 * @example
 * const google = await startGoogleWalletServer();
 * const sa = makeServiceAccount(google.tokenUri);
 * google.registerServiceAccount(sa.account.client_email, sa.publicKeyPem);
 * process.env.GOOGLE_APPLICATION_CREDENTIALS = sa.path;
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The fields of a real key file (`type: service_account`). */
export interface ServiceAccountJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

export interface TestServiceAccount {
  readonly account: ServiceAccountJson;
  /** The key file, written to a fresh temporary directory. */
  readonly path: string;
  /** SPKI PEM of the account's key: what the server verifies assertions with. */
  readonly publicKeyPem: string;
  /** Deletes the key file's directory. */
  remove(): void;
}

export function makeServiceAccount(tokenUri: string, name = 'stampflow-test'): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const project = `${name}-project`;
  const clientEmail = `${name}@${project}.iam.gserviceaccount.com`;
  const account: ServiceAccountJson = {
    type: 'service_account',
    project_id: project,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: String(100000000000000000000n + BigInt(randomBytes(4).readUInt32BE())),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: tokenUri,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  };
  const dir = mkdtempSync(join(tmpdir(), 'stampflow-google-sa-'));
  const path = join(dir, 'service-account.json');
  writeFileSync(path, JSON.stringify(account, null, 2), { mode: 0o600 });
  return {
    account,
    path,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
