/**
 * The loyalty loop in the shop, in Debian's Chromium at phone size against the real API,
 * worker, Postgres and Temporal: a customer joins on the card's join page (with consent,
 * then another without), staff find them at the counter by the phone's camera (a fake
 * camera filming the pass's QR) and by the typed code, stamp twice quickly, undo a stamp,
 * see the reward-ready journey push go out after the stamp that fills the card, redeem the
 * reward and a voucher.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, node } from '../journeys/graphs';
import { browserForFile, CHROMIUM, CHROMIUM_ARGS, screenshot, signIn, type BrowserMerchant } from './browser';
import { writeQrVideo } from './fake-camera';
import { allPages, ok, type Customer, type Delivery, type RunReport } from './http';

const file = browserForFile();
const PHONE = { width: 390, height: 844 };
let merchant: BrowserMerchant;
let cameraBrowser: Browser | undefined;

beforeAll(async () => {
  merchant = await file.merchant('Corner Café');
});
afterAll(async () => cameraBrowser?.close());

const customersNamed = async (name: string) =>
  (await allPages<Customer>(merchant.api, '/v1/customers', 100)).filter((c) => c.name === name);

describe('the join page on a phone', () => {
  it('joins with consent, then a second customer without, each once, landing on their card page', async () => {
    const page = await file.newPage(PHONE);
    await page.goto(`/join/${merchant.cardId}`);
    await page.getByLabel('Your name').fill('Mia Phone');
    await page.getByLabel('Email (optional)').fill('mia.phone@example.com');
    await page.getByLabel('Day').selectOption('14');
    await page.getByLabel('Month').selectOption({ label: 'March' });
    await page.getByRole('checkbox').check();
    await screenshot(page, 'join-page-phone');
    await page.getByRole('button', { name: 'Join and get my card' }).click();
    await page.getByRole('link', { name: 'Add to Apple Wallet' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/p\/[0-9a-f]{64}$/);
    await screenshot(page, 'card-page-after-join-phone');

    await page.goto(`/join/${merchant.cardId}`);
    await page.getByLabel('Your name').fill('Noah Noconsent');
    await page.getByRole('button', { name: 'Join and get my card' }).click();
    await page.getByRole('link', { name: 'Add to Apple Wallet' }).waitFor();

    const [mia] = await customersNamed('Mia Phone');
    const [noah] = await customersNamed('Noah Noconsent');
    expect(mia).toMatchObject({ email: 'mia.phone@example.com', emailConsent: true, birthday: '03-14' });
    expect(noah).toMatchObject({ email: null, emailConsent: false });
    for (const [who, state] of [[mia, 'granted'], [noah, 'withdrawn']] as const) {
      const consent = ok(await merchant.api.get<{ items: { state: string; source: string }[] }>(`/v1/customers/${who?.id}/consent`), 200);
      expect(consent.items).toEqual([expect.objectContaining({ state, source: 'join_page' })]);
    }
  });
});

describe('cards on screen', () => {
  it('creates a card, changes its reward, and downloads its A5 poster', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    await page.getByRole('link', { name: 'Cards' }).click();
    await page.getByRole('button', { name: 'New card' }).click();
    await page.getByLabel('Card name').fill('Cake card');
    await page.getByLabel('Stamps to the reward').fill('6');
    await page.getByLabel('Reward', { exact: true }).fill('A slice of cake');
    await page.getByRole('button', { name: 'Create card' }).click();
    const card = page.getByRole('listitem', { name: 'Cake card' });
    await card.getByText('Collect 6 stamps, get A slice of cake').waitFor();
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByLabel('Reward', { exact: true }).fill('Two slices of cake');
    await card.getByRole('button', { name: 'Save card' }).click();
    await card.getByText('Collect 6 stamps, get Two slices of cake').waitFor();
    await screenshot(page, 'cards-desktop');
    const cards = ok(await merchant.api.get<{ items: { name: string; reward: string; joinUrl: string; id: string }[] }>('/v1/cards'), 200);
    const cake = cards.items.find((c) => c.name === 'Cake card');
    expect(cake).toMatchObject({ reward: 'Two slices of cake', joinUrl: `http://localhost:3000/join/${cake?.id}` });
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Poster A5 (PDF)' }).click()]);
    const pdf = readFileSync((await download.path()) ?? '');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('customers on screen', () => {
  it('adds a customer by hand with their consent', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('button', { name: 'Add customer' }).click();
    const form = page.getByRole('form', { name: 'Add a customer' });
    await form.getByLabel('Name').fill('Hana Byhand');
    await form.getByLabel('Email (optional)').fill('hana@example.com');
    await form.getByLabel(/Birthday/).fill('1990-07-01');
    await form.getByLabel('Card').selectOption({ label: 'Coffee card' });
    await form.getByLabel('They agreed to get emails from the shop').check();
    await form.getByRole('button', { name: 'Add customer' }).click();
    await page.getByRole('link', { name: 'Hana Byhand' }).waitFor();
    const [hana] = await customersNamed('Hana Byhand');
    expect(hana).toMatchObject({ email: 'hana@example.com', birthday: '1990-07-01', emailConsent: true, cardId: merchant.cardId });
  });
});

describe('the counter on a phone', () => {
  let flowId: string;
  let customer: Customer;
  let page: Page;
  const voucherCode = 'CAKE-4242';

  beforeAll(async () => {
    const graph = journey({ trigger: 'event', event: 'reward_ready' }, [node('nudge', 'push', { text: 'Reward ready!' })]);
    const flow = ok(await merchant.api.post<{ id: string }>('/v1/flows', { name: 'Reward ready', graph }), 201);
    ok(await merchant.api.post(`/v1/flows/${flow.id}/publish`, {}), 201);
    flowId = flow.id;
    ok(await merchant.api.post('/v1/customers', { externalId: 'counter-1', name: 'Cara Counter', cardId: merchant.cardId, stamps: 7 }), 201);
    [customer] = (await customersNamed('Cara Counter')) as [Customer];
    await file.stack.db
      .insertInto('vouchers')
      .values({ merchant_id: merchant.id, customer_id: customer.id, code: voucherCode, title: 'Free cake', expires_at: new Date(Date.now() + 7 * 86_400_000) })
      .execute();
    // The phone's camera films the pass's QR code (the customer id, as on the pass).
    const video = join(mkdtempSync(join(tmpdir(), 'stampflow-camera-')), 'pass-qr.y4m');
    writeQrVideo(video, customer.id);
    cameraBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    const context = await cameraBrowser.newContext({ viewport: PHONE, baseURL: file.url, permissions: ['camera'] });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, merchant.owner);
  });

  const stampsShown = () => page.getByTestId('counter-stamps').textContent();
  const stampsStored = async () => ok(await merchant.api.get<Customer>(`/v1/customers/${customer.id}`), 200).stamps;

  it('opens the right customer from the camera and from the typed code', async () => {
    await page.goto('/counter');
    await page.getByRole('button', { name: 'Scan pass' }).click();
    await page.getByRole('heading', { name: 'Cara Counter' }).waitFor();
    expect(await stampsShown()).toBe('7 of 10 stamps');
    await page.goto('/counter');
    await page.getByLabel('Pass code').fill(customer.id.slice(0, 8).toUpperCase());
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('heading', { name: 'Cara Counter' }).waitFor();
    await screenshot(page, 'counter-phone');
  });

  /** Whether the reward-ready journey's push to this customer is recorded as sent (the outbox stands in for Apple's push). */
  const pushSent = async () => {
    const runs = (await allPages<RunReport>(merchant.api, '/v1/runs', 100)).filter((r) => r.flowId === flowId);
    for (const run of runs) {
      const deliveries = ok(await merchant.api.get<{ items: Delivery[] }>(`/v1/runs/${run.id}/deliveries?customerId=${customer.id}`), 200);
      if (deliveries.items.some((d) => d.status === 'sent')) return true;
    }
    return false;
  };

  it('records one stamp per tap for two quick taps; no reward-ready push before the card is full', async () => {
    const stamp = page.getByRole('button', { name: '+1 stamp' });
    await Promise.all([stamp.click(), stamp.click({ delay: 0 })]);
    await expect.poll(stampsShown).toBe('9 of 10 stamps');
    expect(await stampsStored()).toBe(9);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await pushSent()).toBe(false);
  });

  it('undoes a stamp; the stamp that fills the card delivers the reward-ready push; redeems the reward and a voucher', async () => {
    await page.getByRole('button', { name: /Undo last stamp/ }).click();
    await expect.poll(stampsShown).toBe('8 of 10 stamps');
    expect(await stampsStored()).toBe(8);
    const stamp = page.getByRole('button', { name: '+1 stamp' });
    await stamp.click();
    await expect.poll(stampsShown).toBe('9 of 10 stamps');
    await stamp.click();
    await page.getByText('Reward ready: Free coffee').waitFor();
    await screenshot(page, 'counter-reward-ready-phone');
    await expect.poll(pushSent, { timeout: 30_000 }).toBe(true);
    await page.getByRole('button', { name: 'Redeem reward' }).click();
    await expect.poll(stampsShown).toBe('0 of 10 stamps');
    await page.getByRole('button', { name: 'Redeem voucher' }).click();
    await page.getByText('Voucher used: Free cake').waitFor();
    const voucher = ok(await merchant.api.get<{ redeemedAt: string | null }>(`/v1/vouchers/${voucherCode}`), 200);
    expect(voucher.redeemedAt).not.toBeNull();
    const events = await file.stack.db.selectFrom('events').select(['type', 'undone_at']).where('customer_id', '=', customer.id).execute();
    expect(events.filter((e) => e.type === 'stamp')).toHaveLength(4);
    expect(events.filter((e) => e.undone_at !== null)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'reward_redeemed')).toHaveLength(1);
  });
});
