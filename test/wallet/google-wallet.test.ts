/**
 * Google Wallet end to end against the local Google server (token endpoint + wallet
 * objects): the customer saves the card from their wallet page (the class and the object
 * are created then, once), and pushes become `addMessage` calls that notify while the
 * pass has budget (3 per rolling 24 h) and go silent (`TEXT`) after, with the delivery
 * saying so. Counts are taken at the Google server.
 */
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createGoogleWalletClient } from '../../engine/channels/wallet/google';
import { loadServiceAccount } from '../../engine/channels/wallet/google-auth';
import type { GoogleWalletClient } from '../../engine/channels/wallet/types';
import { startGoogleWalletServer, type GoogleWalletServer } from '../google-wallet/server';
import { makeServiceAccount, type TestServiceAccount } from '../google-wallet/service-account';
import { testSigner } from '../support/certs';
import { DEFAULT_CHANNELS, startStack } from '../support/stack';
import { stackForFile, type Customer } from '../e2e/http';
import { walletKit } from './shop';

const ISSUER = '3388000000099999999';
let google: GoogleWalletServer;
let account: TestServiceAccount;
let client: GoogleWalletClient;

const file = stackForFile(
  async () => {
    google = await startGoogleWalletServer({ issuerId: ISSUER });
    account = makeServiceAccount(google.tokenUri);
    google.registerServiceAccount(account.account.client_email, account.publicKeyPem);
    client = createGoogleWalletClient({
      issuerId: ISSUER,
      account: loadServiceAccount(account.path),
      apiUrl: google.url,
      backoffMs: 20,
    });
    return startStack({ ...DEFAULT_CHANNELS, wallet: { google: client } });
  },
  () => ({ wallet: { publicUrl: 'https://wallet.stampflow.test', signer: testSigner(), google: client } }),
);
afterAll(async () => {
  account?.remove();
  await google?.close();
});

const { shop, push } = walletKit(file);

/** Taps "Save to Google Wallet": answers the object id the save link names. */
async function save(c: Customer): Promise<string> {
  const res = await file.app.request(`${new URL(c.walletUrl!).pathname}/google`);
  expect(res.status).toBe(302);
  const location = res.headers.get('location') ?? '';
  expect(location).toMatch(/^https:\/\/pay\.google\.com\/gp\/v\/save\/[\w-]+\.[\w-]+\.[\w-]+$/);
  const jwt = location.slice(location.lastIndexOf('/') + 1);
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    createPublicKey(account.publicKeyPem),
    Buffer.from(signature, 'base64url'),
  );
  expect(signed).toBe(true);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
    aud: string;
    typ: string;
    payload: { loyaltyObjects: { id: string }[] };
  };
  expect(claims).toMatchObject({ aud: 'google', typ: 'savetowallet' });
  return claims.payload.loyaltyObjects[0]!.id;
}

describe('Save to Google Wallet', () => {
  it('creates the card\u2019s class and the customer\u2019s object on first save, once, and redirects to the signed save link', async () => {
    const { customers } = await shop('google-save', 2);
    const [ada, bea] = customers as [Customer, Customer];
    const page = await (await file.app.request(new URL(ada.walletUrl!).pathname)).text();
    expect(page).toContain('Save to Google Wallet');

    const classesBefore = google.classes.size;
    const objectId = await save(ada);
    expect(objectId).toBe(`${ISSUER}.pass-${ada.pass!.serialNumber}`);
    expect(google.objects.get(objectId)).toMatchObject({ id: objectId, state: 'ACTIVE' });
    expect(google.classes.size).toBe(classesBefore + 1);
    // Saving again, or another customer of the same card, makes no second class or object.
    expect(await save(ada)).toBe(objectId);
    await save(bea);
    expect(google.classes.size).toBe(classesBefore + 1);
    const inserts = google.calls.filter(
      (c) => c.method === 'POST' && c.path.endsWith('/loyaltyObject') && c.status === 200,
    );
    expect(inserts.length).toBe(2);
  });
});

describe('Save to Google Wallet while Google is down', () => {
  it('answers 503 naming Google, writes nothing, and works once Google is back', async () => {
    const { customers } = await shop('google-down', 1);
    const c = customers[0]!;
    // The client tries 4 times (with backoff) before giving up.
    google.failNext(4, 503);
    const before = google.calls.length;
    const res = await file.app.request(`${new URL(c.walletUrl!).pathname}/google`);
    expect(google.calls.slice(before).map((x) => x.status)).toEqual([503, 503, 503, 503]);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('Google Wallet'),
    });
    const pass = await file.stack.db
      .selectFrom('passes')
      .select('google_object_id')
      .where('customer_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(pass.google_object_id).toBeNull();
    expect(await save(c)).toContain(c.pass!.serialNumber);
  });
});

describe('pushes to a Google Wallet pass', () => {
  it('notify three times in a day, then go silent with the delivery saying google_notification_budget', async () => {
    const { m, customers } = await shop('google-budget', 1);
    const c = customers[0]!;
    const objectId = await save(c);
    const callsBefore = google.calls.length;
    const answers: { status: string; reason?: string; answer?: string }[] = [];
    for (const text of ['One', 'Two', 'Three', 'Four']) {
      const { report, deliveries } = await push(m, text);
      expect(report.counts).toMatchObject({ members: 1, sent: 1 });
      const d = deliveries[0]!;
      answers.push({
        status: d.status,
        ...(d.reason ? { reason: d.reason } : {}),
        answer: d.devices?.[0]?.answer ?? '',
      });
    }
    expect(answers).toEqual([
      { status: 'sent', answer: 'TEXT_AND_NOTIFY' },
      { status: 'sent', answer: 'TEXT_AND_NOTIFY' },
      { status: 'sent', answer: 'TEXT_AND_NOTIFY' },
      { status: 'sent', reason: 'google_notification_budget', answer: 'TEXT' },
    ]);
    // At Google: four messages on the object, exactly three of them notifying.
    const messages = google.messagesFor(objectId);
    expect(messages.map((x) => [x.body, x.messageType])).toEqual([
      ['One', 'TEXT_AND_NOTIFY'],
      ['Two', 'TEXT_AND_NOTIFY'],
      ['Three', 'TEXT_AND_NOTIFY'],
      ['Four', 'TEXT'],
    ]);
    // Our budget ledger chose TEXT itself: Google never had to refuse a notification.
    expect(google.calls.slice(callsBefore).filter((x) => x.status === 403)).toEqual([]);
  });

  it('records Google\u2019s quota error the same way (silent, once) when our ledger did not know the budget was spent', async () => {
    const { m, customers } = await shop('google-quota', 1);
    const c = customers[0]!;
    const objectId = await save(c);
    for (const text of ['A', 'B', 'C']) await push(m, text);
    // Forget our ledger: the next push asks to notify, Google answers its quota error.
    await file.stack.db.deleteFrom('google_notifications').where('customer_id', '=', c.id).execute();
    const callsBefore = google.calls.length;
    const { deliveries } = await push(m, 'D');
    expect(deliveries[0]).toMatchObject({ status: 'sent', reason: 'google_notification_budget' });
    expect(deliveries[0]?.devices?.[0]).toMatchObject({
      platform: 'google',
      device: objectId,
      status: 'sent',
      answer: 'TEXT',
    });
    const addMessages = google.calls
      .slice(callsBefore)
      .filter((x) => x.path.endsWith(':addMessage') || x.path.endsWith('/addMessage'));
    expect(addMessages.map((x) => x.status)).toEqual([403, 200]); // the quota answer, then the silent message: never retried forever
    expect(google.messagesFor(objectId).at(-1)).toMatchObject({ body: 'D', messageType: 'TEXT' });
  });

  it('skips a customer who saved the card nowhere with reason no_wallet_device', async () => {
    const { m } = await shop('google-none', 1);
    const { report, deliveries } = await push(m, 'Anyone?');
    expect(report.counts).toMatchObject({ members: 1, sent: 0, skipped: 1 });
    expect(deliveries[0]).toMatchObject({ status: 'skipped', reason: 'no_wallet_device' });
  });
});
