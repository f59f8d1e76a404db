import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeServiceAccount, type TestServiceAccount } from '../../../test/google-wallet/service-account';
import { decodeJwt } from '../../../test/google-wallet/jwt';
import { startGoogleWalletServer, type GoogleWalletServer } from '../../../test/google-wallet/server';
import { createTokenSource, loadServiceAccount, TokenError, WALLET_SCOPE, type ServiceAccount } from './google-auth';

let google: GoogleWalletServer;
let sa: TestServiceAccount;
let account: ServiceAccount;

beforeAll(async () => {
  google = await startGoogleWalletServer();
  sa = makeServiceAccount(google.tokenUri);
  google.registerServiceAccount(sa.account.client_email, sa.publicKeyPem);
  account = loadServiceAccount(sa.path);
});
afterAll(async () => {
  sa.remove();
  await google.close();
});
beforeEach(() => google.reset());

describe('loadServiceAccount', () => {
  function fileWith(content: unknown): string {
    const path = `${sa.path}.variant.json`;
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('reads a key file, keeping token_uri and private_key_id', () => {
    expect(account).toMatchObject({
      clientEmail: sa.account.client_email,
      tokenUri: google.tokenUri,
      privateKeyId: sa.account.private_key_id,
      source: sa.path,
    });
  });

  type Variant = (file: TestServiceAccount['account']) => unknown;
  const variants: [string, Variant, string][] = [
    ['not JSON', () => '{"type":', 'is not JSON'],
    [
      'another credential type',
      (f) => ({ ...f, type: 'authorized_user' }),
      'type is "authorized_user", expected "service_account"',
    ],
    ['no client_email', (f) => ({ ...f, client_email: undefined }), 'client_email is missing'],
    ['a key that is not PEM', (f) => ({ ...f, private_key: 'MIIEvQIBADANBg' }), 'private_key is not a PEM private key'],
    [
      'a broken PEM',
      (f) => ({ ...f, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }),
      'private_key is not a PEM private key',
    ],
    [
      'a token_uri that is not http(s)',
      (f) => ({ ...f, token_uri: 'ftp://example.com/token' }),
      'token_uri is not an http(s) URL',
    ],
  ];
  it.each(variants)('refuses %s, naming the file and the field', (_what, variant, problem) => {
    const path = fileWith(variant(sa.account));
    expect(() => loadServiceAccount(path)).toThrow(`GOOGLE_APPLICATION_CREDENTIALS (${path}): ${problem}`);
  });

  it('names a missing file', () => {
    expect(() => loadServiceAccount('/nonexistent/sa.json')).toThrow(
      'GOOGLE_APPLICATION_CREDENTIALS (/nonexistent/sa.json): cannot be read (ENOENT)',
    );
  });
});

describe('createTokenSource', () => {
  it('posts a signed jwt-bearer assertion as a form to the key file token_uri', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const recordingFetch: typeof fetch = (url, init) => {
      seen.push({ url: String(url), init: init ?? {} });
      return fetch(url, init);
    };
    const token = await createTokenSource(account, WALLET_SCOPE, recordingFetch).getAccessToken();
    expect(token.accessToken).toMatch(/^ya29\./);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(google.tokenUri);
    expect(new Headers(seen[0]?.init.headers).get('content-type')).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(String(seen[0]?.init.body));
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const jwt = decodeJwt(form.get('assertion') ?? '');
    expect(jwt?.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: sa.account.private_key_id });
    expect(jwt?.payload).toMatchObject({ iss: sa.account.client_email, aud: google.tokenUri, scope: WALLET_SCOPE });
    expect(Number(jwt?.payload.exp) - Number(jwt?.payload.iat)).toBe(3600);
  });

  it('shares one request among concurrent callers and reuses the token', async () => {
    const tokens = createTokenSource(account);
    const all = await Promise.all(Array.from({ length: 5 }, () => tokens.getAccessToken()));
    await tokens.getAccessToken();
    expect(new Set(all.map((t) => t.accessToken)).size).toBe(1);
    expect(google.tokensIssued).toBe(1);
    expect(tokens.requests).toBe(1);
  });

  it('renews within the last 60 s of a token, not before', async () => {
    let shiftMs = -3500_000; // the first token, granted "3500 s ago", has 100 s left now
    const tokens = createTokenSource(account, WALLET_SCOPE, fetch, () => Date.now() + shiftMs);
    const first = await tokens.getAccessToken();
    shiftMs = 30_000; // 70 s left: reused
    expect((await tokens.getAccessToken()).accessToken).toBe(first.accessToken);
    shiftMs = 45_000; // 55 s left: renewed
    expect((await tokens.getAccessToken()).accessToken).not.toBe(first.accessToken);
    expect(google.tokensIssued).toBe(2);
  });

  it('throws the status and Google error for a refused grant, and retries after it', async () => {
    const stranger = makeServiceAccount(google.tokenUri, 'stranger');
    try {
      const tokens = createTokenSource(loadServiceAccount(stranger.path));
      const error = await tokens.getAccessToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenError);
      expect(error).toMatchObject({ status: 400, error: 'invalid_grant' });
      expect((error as Error).message).toContain('400 invalid_grant: Invalid grant: account not found');
      await tokens.getAccessToken().catch(() => undefined);
      expect(tokens.requests).toBe(2); // a failure is not cached
    } finally {
      stranger.remove();
    }
  });

  it('reports an unreachable token endpoint with a null status', async () => {
    const closed = await startGoogleWalletServer();
    await closed.close();
    const error = await createTokenSource({ ...account, tokenUri: closed.tokenUri })
      .getAccessToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ status: null });
  });
});
