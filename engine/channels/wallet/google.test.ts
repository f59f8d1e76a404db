import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt, verifyRs256 } from '../../../test/google-wallet/jwt';
import { startGoogleWalletServer, type GoogleWalletServer } from '../../../test/google-wallet/server';
import { makeServiceAccount, type TestServiceAccount } from '../../../test/google-wallet/service-account';
import { createGoogleWalletClient } from './google';
import { loadServiceAccount, type ServiceAccount } from './google-auth';
import type { GoogleMessage, GoogleWalletClient, PassContent } from './types';

const ISSUER = '3388000000012345678';
const content: PassContent = {
  serialNumber: 'card-1-cust-1',
  authenticationToken: 'x'.repeat(32),
  webServiceUrl: 'https://stampflow.example/wallet/apple',
  organizationName: 'Café Lumen',
  cardName: 'Coffee card',
  customerName: 'Ada Lovelace',
  stamps: 3,
  stampsRequired: 10,
  reward: 'A free flat white',
  barcode: 'cust-1',
  colors: { background: '#112233', foreground: '#ffffff', label: '#cccccc' },
  message: null,
  voucher: { code: 'FREE-42', title: 'Free coffee', expiresOn: '2030-01-31' },
  updatedAt: new Date('2030-01-01T00:00:00Z'),
  pageUrl: 'https://stampflow.example/p/abc',
  messageHasMore: false,
  nearby: { locations: [{ latitude: 48.85, longitude: 2.35 }], text: 'Free coffee waiting', window: null },
};

let google: GoogleWalletServer;
let sa: TestServiceAccount;
let account: ServiceAccount;

function client(options: { maxAttempts?: number; account?: ServiceAccount } = {}): GoogleWalletClient {
  return createGoogleWalletClient({
    issuerId: ISSUER,
    account: options.account ?? account,
    apiUrl: google.url,
    backoffMs: 1,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}

/** A client with the card's class and the customer's object in place. */
async function withPass(wallet = client()): Promise<{ wallet: GoogleWalletClient; objectId: string }> {
  const classId = await wallet.ensureClass('card-1', content);
  return { wallet, objectId: await wallet.ensureObject(classId, 'card-1-cust-1', content) };
}

function message(objectId: string, messageId: string, notify = true): GoogleMessage {
  return { objectId, messageId, header: 'Coffee card', body: `Message ${messageId}`, notify };
}

beforeAll(async () => {
  google = await startGoogleWalletServer({ issuerId: ISSUER });
  sa = makeServiceAccount(google.tokenUri);
  google.registerServiceAccount(sa.account.client_email, sa.publicKeyPem);
  account = loadServiceAccount(sa.path);
});
afterAll(async () => {
  sa.remove();
  await google.close();
});
beforeEach(() => google.reset());

describe('Google Wallet client, authentication', () => {
  it('gets one token from the key file token_uri and reuses it for every call', async () => {
    const { wallet, objectId } = await withPass();
    await wallet.addMessage(message(objectId, 'm1'));
    await wallet.addMessage(message(objectId, 'm2'));
    expect(google.tokensIssued).toBe(1);
    expect(google.calls.filter((c) => c.path === '/token')).toHaveLength(1);
    expect(google.calls.filter((c) => c.status === 401)).toHaveLength(0);
  });

  it('gets a new token when Google stops accepting the cached one (401)', async () => {
    const { wallet, objectId } = await withPass();
    google.reset(); // forgets every issued token (and the pass)
    await withPass(wallet);
    expect(await wallet.addMessage(message(objectId, 'm1'))).toMatchObject({ status: 'sent' });
    expect(google.calls.filter((c) => c.status === 401)).toHaveLength(1);
    expect(google.tokensIssued).toBe(1);
  });

  it('refuses a key Google does not know with a clear error', async () => {
    const impostor = makeServiceAccount(google.tokenUri);
    try {
      // Same account name, another key: the server holds the registered account's public key.
      const forged = { ...loadServiceAccount(impostor.path), clientEmail: sa.account.client_email };
      const wallet = client({ account: forged });
      await expect(wallet.ensureClass('card-1', content)).rejects.toThrow(
        /loyalty class 3388000000012345678\.card-1: google token .*400 invalid_grant: Invalid JWT Signature\./,
      );
      const outcome = await wallet.addMessage(message(`${ISSUER}.card-1-cust-1`, 'm1'));
      expect(outcome).toMatchObject({
        status: 'failed',
        attempts: 1,
        reason: expect.stringContaining('invalid_grant') as string,
      });
      expect(google.tokensIssued).toBe(0);
    } finally {
      impostor.remove();
    }
  });
});

describe('Google Wallet client, classes and objects', () => {
  it('creates the class and the object once, then finds them', async () => {
    const first = await withPass();
    const again = await withPass(client());
    expect(again.objectId).toBe(first.objectId);
    expect(google.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/loyaltyClass'))).toHaveLength(1);
    expect(google.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/loyaltyObject'))).toHaveLength(1);

    expect(google.classes.get(`${ISSUER}.card-1`)).toMatchObject({
      issuerName: 'Café Lumen',
      programName: 'Coffee card',
      programLogo: { sourceUri: { uri: 'https://www.gstatic.com/images/branding/product/2x/wallet_48dp.png' } },
      hexBackgroundColor: '#112233',
      reviewStatus: 'UNDER_REVIEW',
    });
    expect(google.objects.get(first.objectId)).toMatchObject({
      id: `${ISSUER}.card-1-cust-1`,
      classId: `${ISSUER}.card-1`,
      state: 'ACTIVE',
      accountId: 'cust-1',
      accountName: 'Ada Lovelace',
      loyaltyPoints: { label: 'Stamps', balance: { string: '3 / 10' } },
      barcode: { type: 'QR_CODE', value: 'cust-1', alternateText: 'CUST-1' },
      textModulesData: [
        { id: 'reward', header: 'Reward', body: 'A free flat white' },
        { id: 'voucher', header: 'Free coffee', body: 'Code FREE-42, valid until 2030-01-31' },
      ],
      merchantLocations: [{ latitude: 48.85, longitude: 2.35 }],
      linksModuleData: { uris: [{ id: 'card-page', uri: 'https://stampflow.example/p/abc', description: 'More from Café Lumen' }] },
    });
  });

  it('is refused, as Google refuses it, with more than ten merchant locations', async () => {
    const wallet = client();
    const classId = await wallet.ensureClass('card-1', content);
    const locations = Array.from({ length: 11 }, () => ({ latitude: 1, longitude: 2 }));
    const crowded = { ...content, nearby: { ...content.nearby, locations } };
    await expect(wallet.ensureObject(classId, 'crowded', crowded)).rejects.toThrow(/at most 10/);
  });

  it('takes a 409 on insert as "another process made it"', async () => {
    const ids = await Promise.all([client().ensureClass('card-1', content), client().ensureClass('card-1', content)]);
    expect(ids).toEqual([`${ISSUER}.card-1`, `${ISSUER}.card-1`]);
    expect(google.classes.size).toBe(1);
  });

  it("throws Google's message for a refused insert", async () => {
    await expect(client().ensureClass('card 1', content)).rejects.toThrow(
      'loyalty class 3388000000012345678.card 1: google 400 Request contains an invalid argument. Invalid resource ID: {3388000000012345678.card 1}.',
    );
  });
});

describe('Google Wallet client, addMessage', () => {
  it("notifies three times, then sends the fourth silently after Google's quota error", async () => {
    const { wallet, objectId } = await withPass();
    for (const id of ['m1', 'm2', 'm3']) {
      expect(await wallet.addMessage(message(objectId, id))).toEqual({ status: 'sent', notified: true, attempts: 1 });
    }
    expect(await wallet.addMessage(message(objectId, 'm4'))).toEqual({ status: 'sent', notified: false, attempts: 2 });
    expect(google.calls.filter((c) => c.status === 403)).toHaveLength(1);
    expect(google.messagesFor(objectId).map((m) => [m.id, m.messageType])).toEqual([
      ['m1', 'TEXT_AND_NOTIFY'],
      ['m2', 'TEXT_AND_NOTIFY'],
      ['m3', 'TEXT_AND_NOTIFY'],
      ['m4', 'TEXT'],
    ]);
    google.advanceClock(24 * 3600_000 + 1);
    expect(await wallet.addMessage(message(objectId, 'm5'))).toMatchObject({ status: 'sent', notified: true });
  });

  it('sends a silent message as TEXT', async () => {
    const { wallet, objectId } = await withPass();
    expect(await wallet.addMessage(message(objectId, 'm1', false))).toEqual({
      status: 'sent',
      notified: false,
      attempts: 1,
    });
    expect(google.messages[0]?.messageType).toBe('TEXT');
  });

  it('keeps one message for a replayed id, and says what was sent the first time', async () => {
    const { wallet, objectId } = await withPass();
    expect(await wallet.addMessage(message(objectId, 'm1'))).toMatchObject({ status: 'sent', notified: true });
    expect(await wallet.addMessage(message(objectId, 'm1'))).toMatchObject({ status: 'sent', notified: true });
    expect(google.messagesFor(objectId)).toHaveLength(1);
    expect(google.calls.filter((c) => c.status === 409)).toHaveLength(1);

    // Budget spent: m5 went out silently; its replay must not claim a notification.
    for (const id of ['m2', 'm3', 'm5']) await wallet.addMessage(message(objectId, id));
    expect(await wallet.addMessage(message(objectId, 'm5'))).toMatchObject({ status: 'sent', notified: false });
    expect(google.messagesFor(objectId)).toHaveLength(4);
  });

  it('retries 503 and sends on the third attempt', async () => {
    const { wallet, objectId } = await withPass();
    google.failNext(2, 503);
    expect(await wallet.addMessage(message(objectId, 'm1'))).toEqual({ status: 'sent', notified: true, attempts: 3 });
    expect(google.messagesFor(objectId)).toHaveLength(1);
  });

  it('retries a connection reset', async () => {
    const { wallet, objectId } = await withPass();
    google.resetNext(1);
    expect(await wallet.addMessage(message(objectId, 'm1'))).toEqual({ status: 'sent', notified: true, attempts: 2 });
  });

  it('treats a 429 rate limit as transient, not as the notification quota', async () => {
    const { wallet, objectId } = await withPass();
    google.failNext(1, 429);
    expect(await wallet.addMessage(message(objectId, 'm1'))).toEqual({ status: 'sent', notified: true, attempts: 2 });
  });

  it('answers retry after maxAttempts of 500', async () => {
    const { wallet, objectId } = await withPass(client({ maxAttempts: 3 }));
    google.failNext(10, 500);
    expect(await wallet.addMessage(message(objectId, 'm1'))).toEqual({
      status: 'retry',
      reason: 'google 500 Internal error encountered.',
      attempts: 3,
    });
    expect(google.messages).toHaveLength(0);
  });

  it("fails at once, with Google's message, for a missing object", async () => {
    const wallet = client();
    expect(await wallet.addMessage(message(`${ISSUER}.nobody`, 'm1'))).toEqual({
      status: 'failed',
      reason: 'google 404 Wallet Object {3388000000012345678.nobody} not found.',
      attempts: 1,
    });
  });

  it("fails at once for another issuer's object (403 Permission Denied)", async () => {
    expect(await client().addMessage(message('1111.someone', 'm1'))).toEqual({
      status: 'failed',
      reason: 'google 403 Permission Denied',
      attempts: 1,
    });
  });
});

describe('Google Wallet client, saveUrl', () => {
  it('signs a savetowallet JWT with the service account key', () => {
    const url = client().saveUrl(`${ISSUER}.card-1-cust-1`, `${ISSUER}.card-1`);
    expect(url.startsWith('https://pay.google.com/gp/v/save/')).toBe(true);
    const jwt = decodeJwt(url.slice('https://pay.google.com/gp/v/save/'.length));
    expect(jwt).not.toBeNull();
    expect(verifyRs256(jwt!, sa.publicKeyPem)).toBe(true);
    expect(jwt!.header).toMatchObject({ alg: 'RS256', kid: sa.account.private_key_id });
    expect(jwt!.payload).toMatchObject({
      iss: sa.account.client_email,
      aud: 'google',
      typ: 'savetowallet',
      origins: [],
      payload: { loyaltyObjects: [{ id: `${ISSUER}.card-1-cust-1`, classId: `${ISSUER}.card-1` }] },
    });
    expect(typeof jwt!.payload.iat).toBe('number');
  });
});
