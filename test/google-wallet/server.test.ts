import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signJwt, loadServiceAccount, type ServiceAccount } from '../../engine/channels/wallet/google-auth';
import { startGoogleWalletServer, type GoogleWalletServer } from './server';
import { makeServiceAccount, type TestServiceAccount } from './service-account';

const SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';
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

async function grant(claims: Record<string, unknown>) {
  const iat = Math.floor(Date.now() / 1000);
  const assertion = signJwt(
    { iss: account.clientEmail, scope: SCOPE, aud: google.tokenUri, iat, exp: iat + 3600, ...claims },
    account.privateKey,
  );
  const res = await fetch(google.tokenUri, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('local Google OAuth token endpoint', () => {
  it('grants a Bearer token for a valid assertion', async () => {
    expect(await grant({})).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3600 } });
  });

  it.each([
    ['another audience', { aud: 'https://oauth2.googleapis.com/token' }, 'invalid_grant', 'Failed audience check'],
    ['an expired assertion', { iat: 1_000, exp: 4_600 }, 'invalid_grant', 'short-lived token'],
    [
      'an assertion valid for more than an hour',
      { exp: Math.floor(Date.now() / 1000) + 7200 },
      'invalid_grant',
      'short-lived',
    ],
    [
      'another scope',
      { scope: 'https://www.googleapis.com/auth/cloud-platform' },
      'invalid_scope',
      'Invalid OAuth scope',
    ],
    ['an unknown account', { iss: 'nobody@x.iam.gserviceaccount.com' }, 'invalid_grant', 'account not found'],
  ])('refuses %s with 400 %s', async (_what, claims, error, description) => {
    const { status, body } = await grant(claims);
    expect(status).toBe(400);
    expect(body.error).toBe(error);
    expect(body.error_description).toContain(description);
  });
});

describe('local Google Wallet API', () => {
  it('answers 401 UNAUTHENTICATED without a bearer token', async () => {
    const res = await fetch(`${google.url}/walletobjects/v1/loyaltyClass/1.x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'required' }] },
    });
  });

  it('answers the quota error in the shape Google sends it', async () => {
    const { body } = await grant({});
    const headers = { Authorization: `Bearer ${String(body.access_token)}`, 'Content-Type': 'application/json' };
    const post = (path: string, payload: unknown) =>
      fetch(`${google.url}/walletobjects/v1/${path}`, { method: 'POST', headers, body: JSON.stringify(payload) });
    const logo = { sourceUri: { uri: 'https://example.com/logo.png' } };
    await post('loyaltyClass', {
      id: '1.c',
      issuerName: 'i',
      programName: 'p',
      reviewStatus: 'UNDER_REVIEW',
      programLogo: logo,
    });
    expect((await post('loyaltyObject', { id: '1.o', classId: '1.c', state: 'ACTIVE' })).status).toBe(200);
    for (const id of ['a', 'b', 'c']) {
      expect(
        (await post('loyaltyObject/1.o/addMessage', { message: { id, body: id, messageType: 'TEXT_AND_NOTIFY' } }))
          .status,
      ).toBe(200);
    }
    const refused = await post('loyaltyObject/1.o/addMessage', {
      message: { id: 'd', body: 'd', messageType: 'TEXT_AND_NOTIFY' },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: 403,
        message: 'Quota exceeded for issuer 1 when adding TEXT_AND_NOTIFY message to object 1.o.',
        errors: [
          {
            message: 'Quota exceeded for issuer 1 when adding TEXT_AND_NOTIFY message to object 1.o.',
            domain: 'walletobjects',
            reason: 'quotaExceeded',
          },
        ],
      },
    });
    const duplicate = await post('loyaltyObject/1.o/addMessage', {
      message: { id: 'a', body: 'a', messageType: 'TEXT' },
    });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({
      error: { status: 'ALREADY_EXISTS', errors: [{ reason: 'duplicate' }] },
    });
  });
});
