/**
 * Apple Wallet end to end, the way a phone and APNs see it: a customer's pass downloaded
 * from their wallet page and verified with `openssl smime -verify`; a device registered at
 * the pass's web service with the pass's token; a broadcast push that changes the pass and
 * reaches the local APNs server (HTTP/2, TLS client certificate, topic checked) once per
 * device; the device then finding the changed serial and fetching the new pass. Errors
 * follow Apple's protocol: wrong token 401, 410 drops the registration, 429 is retried.
 * Counts are taken at the APNs server, beside the delivery rows.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCertificates, testSigner, TEST_PASS_TYPE_ID, TEST_TEAM_ID } from '../support/certs';
import { ok, type Customer, type Merchant } from '../e2e/http';
import { apnsStackForFile } from './apns-stack';
import { walletKit } from './shop';
import { field, Phone, type PassJson } from './phone';

const PUBLIC_URL = 'https://wallet.stampflow.test';
const certs = testCertificates();
const signer = testSigner(certs);

const file = apnsStackForFile(PUBLIC_URL, signer);

const { shop, push } = walletKit(file);

const phone = () => new Phone(file.app, certs.caPath);

describe('a card holder\u2019s pass', () => {
  it('downloads from the customer\u2019s walletUrl, signed, with the web service, token, stamps, barcode and colours', async () => {
    const { m, customers } = await shop('pass-download', 1);
    const c = customers[0]!;
    expect(c.walletUrl).toMatch(new RegExp(`^${PUBLIC_URL}/p/[0-9a-f]{64}$`));
    const page = await file.app.request(new URL(c.walletUrl!).pathname);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Add to Apple Wallet');
    expect(html).toContain('pass.pkpass');

    const pass = await phone().addPass(c.walletUrl!); // throws unless openssl verifies the signature
    expect(pass).toMatchObject({
      serialNumber: c.pass!.serialNumber,
      passTypeIdentifier: TEST_PASS_TYPE_ID,
      teamIdentifier: TEST_TEAM_ID,
      webServiceURL: `${PUBLIC_URL}/wallet/apple`,
      organizationName: 'pass-download',
      backgroundColor: 'rgb(59, 42, 32)',
    });
    expect(pass.authenticationToken.length).toBeGreaterThanOrEqual(16);
    expect(pass.barcodes[0]).toMatchObject({ message: c.id, format: 'PKBarcodeFormatQR' });
    expect(field(pass, 'stamps')?.value).toBe('0 of 10');
    expect(field(pass, 'message')).toMatchObject({ value: '', changeMessage: '%@' });
    expect(m.cardId).toBeTruthy();
  });

  it('is a 404 for a wallet token that does not exist', async () => {
    expect((await file.app.request(`/p/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await file.app.request(`/p/${'0'.repeat(64)}/pass.pkpass`)).status).toBe(404);
  });
});

describe('the PassKit web service', () => {
  let m: Merchant;
  let customer: Customer;
  let pass: PassJson;

  beforeAll(async () => {
    const s = await shop('web-service', 1);
    m = s.m;
    customer = s.customers[0]!;
    pass = await phone().addPass(customer.walletUrl!);
  });

  it('registers a device: 201 new, 200 when already registered', async () => {
    const p = phone();
    expect((await p.register(pass)).status).toBe(201);
    expect((await p.register(pass)).status).toBe(200);
  });

  it('answers 401 to a wrong or missing token on every authenticated call', async () => {
    const p = phone();
    const wrong = randomBytes(16).toString('hex');
    expect((await p.register(pass, wrong)).status).toBe(401);
    expect((await p.unregister(pass, wrong)).status).toBe(401);
    const res = await file.app.request(`/wallet/apple/v1/passes/${TEST_PASS_TYPE_ID}/${pass.serialNumber}`, {
      headers: { Authorization: `ApplePass ${wrong}` },
    });
    expect(res.status).toBe(401);
    expect((await file.app.request(`/wallet/apple/v1/passes/${TEST_PASS_TYPE_ID}/${pass.serialNumber}`)).status).toBe(
      401,
    );
    // Another pass's token does not open this one.
    const other = await phone().addPass((await shop('web-service-other', 1)).customers[0]!.walletUrl!);
    expect((await p.register(pass, other.authenticationToken)).status).toBe(401);
    const registered = await file.stack.db
      .selectFrom('apple_registrations')
      .select('device_library_id')
      .where('device_library_id', '=', p.deviceId)
      .execute();
    expect(registered).toEqual([]);
  });

  it('refuses a malformed push token with a 400 that names it', async () => {
    const p = phone();
    const res = await file.app.request(
      `/wallet/apple/v1/devices/${p.deviceId}/registrations/${TEST_PASS_TYPE_ID}/${pass.serialNumber}`,
      {
        method: 'POST',
        headers: { Authorization: `ApplePass ${pass.authenticationToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ pushToken: 'not a token' }),
      },
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('pushToken');
  });

  it('answers the latest pass with Last-Modified, and 304 to If-Modified-Since that date', async () => {
    const p = phone();
    const first = await p.fetchPass(pass, null);
    expect(first.status).toBe(200);
    expect(first.lastModified).toBeTruthy();
    expect((await p.fetchPass(pass, first.lastModified)).status).toBe(304);
    // An older date gets the pass.
    const older = new Date(Date.parse(first.lastModified!) - 60_000).toUTCString();
    expect((await p.fetchPass(pass, older)).status).toBe(200);
  });

  it('answers 400 to a passesUpdatedSince it never gave out', async () => {
    const p = phone();
    await p.register(pass);
    for (const tag of ['yesterday', '5:3:', '1:2:3:4']) {
      const res = await file.app.request(
        `/wallet/apple/v1/devices/${p.deviceId}/registrations/${TEST_PASS_TYPE_ID}?passesUpdatedSince=${tag}`,
      );
      expect(res.status, tag).toBe(400);
    }
  });

  it('accepts device logs', async () => {
    const res = await file.app.request('/wallet/apple/v1/log', {
      method: 'POST',
      body: JSON.stringify({ logs: ['hello from a phone'] }),
    });
    expect(res.status).toBe(200);
  });

  it('limits registration calls per device (429 with Retry-After)', async () => {
    const p = phone();
    // A pass of its own: the pass's call limit is counted apart (test/wallet/device-flood.test.ts).
    const own = await phone().addPass((await shop('device-limit', 1)).customers[0]!.walletUrl!);
    const answers: number[] = [];
    for (let i = 0; i < 35; i++) answers.push((await p.register(own)).status);
    expect(answers.slice(0, 30).every((s) => s === 200 || s === 201)).toBe(true);
    expect(answers.slice(30)).toEqual([429, 429, 429, 429, 429]);
    expect(m.id).toBeTruthy();
  });
});

describe('a push broadcast to registered devices', () => {
  it('changes the pass, sends one APNs notification per device (topic = pass type), and the device fetches the new pass', async () => {
    const { m, customers } = await shop('push-flow', 3);
    const [ada, bea, cy] = customers as [Customer, Customer, Customer];
    const adaPhone = phone();
    const adaPass = await adaPhone.addPass(ada.walletUrl!);
    expect((await adaPhone.register(adaPass)).status).toBe(201);
    // Bea has the pass on two devices (a phone and a watch).
    const beaPhone = phone();
    const beaWatch = phone();
    const beaPass = await beaPhone.addPass(bea.walletUrl!);
    await beaWatch.addPass(bea.walletUrl!);
    expect((await beaPhone.register(beaPass)).status).toBe(201);
    expect((await beaWatch.register(beaPass)).status).toBe(201);
    // Cy never added the pass to a wallet.

    // Before the push: the devices know their passes, nothing has changed since.
    const before = await adaPhone.changedSince(adaPass, undefined);
    expect(before).toMatchObject({ status: 200, serialNumbers: [adaPass.serialNumber] });
    adaPhone.lastUpdated = before.lastUpdated;
    expect((await adaPhone.changedSince(adaPass)).status).toBe(204);

    const sentBefore = file.apns.requests.length;
    const { report, deliveries } = await push(m, "Coffee's waiting \u2615");
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({ members: 3, sent: 2, failed: 0, suppressed: 0, skipped: 1 });

    // At APNs: exactly one request per registered device, the right topic, payload {}.
    const requests = file.apns.requests.slice(sentBefore);
    expect(requests.map((r) => r.token).sort()).toEqual(
      [adaPhone.pushToken, beaPhone.pushToken, beaWatch.pushToken].sort(),
    );
    for (const r of requests) expect(r).toMatchObject({ topic: TEST_PASS_TYPE_ID, body: '{}', status: 200 });

    const byCustomer = new Map(deliveries.map((d) => [d.customerId, d]));
    expect(byCustomer.get(ada.id)).toMatchObject({
      status: 'sent',
      devices: [{ platform: 'apple', device: adaPhone.deviceId, status: 'sent', answer: '200' }],
    });
    expect(
      byCustomer
        .get(bea.id)
        ?.devices?.map((d) => d.device)
        .sort(),
    ).toEqual([beaPhone.deviceId, beaWatch.deviceId].sort());
    expect(byCustomer.get(cy.id)).toMatchObject({ status: 'skipped', reason: 'no_wallet_device' });

    // The device, woken, finds its pass changed and fetches it: the message field now holds the text.
    expect(await adaPhone.sync()).toEqual([adaPass.serialNumber]);
    expect(field(adaPhone.passes.get(adaPass.serialNumber)!.json, 'message')?.value).toBe("Coffee's waiting \u2615");
    // Nothing more has changed since.
    expect((await adaPhone.changedSince(adaPass)).status).toBe(204);
    expect((await adaPhone.fetchPass(adaPass)).status).toBe(304);
  });

  it('changes the message value even when the same text is pushed again, so the lock screen shows it again', async () => {
    const { m, customers } = await shop('repeat-text', 1);
    const p = phone();
    const pass = await p.addPass(customers[0]!.walletUrl!);
    await p.register(pass);
    await p.sync();
    await push(m, 'Stamp day!');
    await p.sync();
    const first = field(p.passes.get(pass.serialNumber)!.json, 'message')?.value;
    await push(m, 'Stamp day!');
    expect(await p.sync()).toEqual([pass.serialNumber]);
    const second = field(p.passes.get(pass.serialNumber)!.json, 'message')?.value;
    expect(String(first).trim()).toBe('Stamp day!');
    expect(second).not.toBe(first);
    expect(String(second).replace('\u200B', '')).toBe('Stamp day!');
    expect(file.apns.delivered(p.pushToken)).toBe(2);
    // The API shows the text as people read it, without the invisible change mark.
    const customer = ok(await m.api.get<Customer>(`/v1/customers/${customers[0]!.id}`), 200);
    expect(customer.pass?.message).toBe('Stamp day!');
  });

  it('after unregistering, a device gets no more notifications while the other device still does', async () => {
    const { m, customers } = await shop('unregister', 1);
    const phoneA = phone();
    const phoneB = phone();
    const pass = await phoneA.addPass(customers[0]!.walletUrl!);
    await phoneB.addPass(customers[0]!.walletUrl!);
    await phoneA.register(pass);
    await phoneB.register(pass);
    expect((await phoneA.unregister(pass)).status).toBe(200);
    await push(m, 'Only B');
    expect(file.apns.delivered(phoneA.pushToken)).toBe(0);
    expect(file.apns.delivered(phoneB.pushToken)).toBe(1);
    // The device's registration and its push token are gone.
    const left = await file.stack.db
      .selectFrom('apple_registrations')
      .select('device_library_id')
      .where('device_library_id', '=', phoneA.deviceId)
      .execute();
    expect(left).toEqual([]);
  });

  it('a 410 Unregistered removes the registration and says so; a customer whose only device is gone is failed', async () => {
    const { m, customers } = await shop('gone', 2);
    const [ann, ben] = customers as [Customer, Customer];
    const annPhone = phone();
    const annOld = phone();
    const benPhone = phone();
    const annPass = await annPhone.addPass(ann.walletUrl!);
    await annOld.addPass(ann.walletUrl!);
    const benPass = await benPhone.addPass(ben.walletUrl!);
    await annPhone.register(annPass);
    await annOld.register(annPass);
    await benPhone.register(benPass);
    file.apns.unregister(annOld.pushToken);
    file.apns.badToken(benPhone.pushToken);

    const { report, deliveries } = await push(m, 'Gone?');
    expect(report.counts).toMatchObject({ members: 2, sent: 1, failed: 1 });
    const byCustomer = new Map(deliveries.map((d) => [d.customerId, d]));
    const annDelivery = byCustomer.get(ann.id)!;
    expect(annDelivery.status).toBe('sent');
    expect(annDelivery.reason).toBe(`unregistered (apple ${annOld.deviceId})`);
    expect(annDelivery.devices?.find((d) => d.device === annOld.deviceId)).toMatchObject({
      status: 'gone',
      answer: '410 Unregistered',
    });
    expect(byCustomer.get(ben.id)).toMatchObject({
      status: 'failed',
      reason: `bad_device_token (apple ${benPhone.deviceId})`,
    });

    const registrations = await file.stack.db
      .selectFrom('apple_registrations')
      .select('device_library_id')
      .where('device_library_id', 'in', [annPhone.deviceId, annOld.deviceId, benPhone.deviceId])
      .execute();
    expect(registrations.map((r) => r.device_library_id)).toEqual([annPhone.deviceId]);

    // The next push goes only to the device that is left.
    const before = file.apns.requests.length;
    await push(m, 'Still here');
    expect(file.apns.requests.slice(before).map((r) => r.token)).toEqual([annPhone.pushToken]);
  });

  it('a 429 is retried with backoff until the device gets its notification', async () => {
    const { m, customers } = await shop('throttled', 1);
    const p = phone();
    const pass = await p.addPass(customers[0]!.walletUrl!);
    await p.register(pass);
    file.apns.failNext(p.pushToken, 429, 2);
    const { report, deliveries } = await push(m, 'Patience');
    expect(report.counts).toMatchObject({ sent: 1, failed: 0 });
    const throttled = file.apns.requests.filter((r) => r.token === p.pushToken);
    expect(throttled.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(deliveries[0]?.devices).toEqual([
      { platform: 'apple', device: p.deviceId, status: 'sent', answer: '200', attempts: 3 },
    ]);
  });
});
