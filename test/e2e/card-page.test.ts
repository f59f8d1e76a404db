/**
 * The customer's card page and the nearby preview, in Chromium against the real stack: a
 * campaign with a long text, a voucher and an email reaches a customer, whose card page
 * (without JavaScript, at phone size) shows the long text and the email's text without its
 * chrome, the stamps as a row, the QR code of the pass, the voucher with its expiry and the
 * reward, in under 50 KB; and the editor's lock-screen preview shows a push's nearby text.
 */
import { describe, expect, it } from 'vitest';
import { qrSvg } from '../../server/api/card-page';
import { testCertificates, testSigner } from '../support/certs';
import { browserForFile, screenshot, signIn, type BrowserMerchant } from './browser';
import { ok, type Customer, type Page as ListPage, type RunReport } from './http';

const signer = testSigner(testCertificates());
const file = browserForFile(() => ({ wallet: { publicUrl: 'https://cards.stampflow.test', signer } }));
const LONG = 'Our autumn menu is here.\nPumpkin spice latte, plum cake and a new single-origin from Huila.';

async function customer(m: BrowserMerchant): Promise<Customer> {
  ok(
    await m.api.post('/v1/customers', {
      name: 'Ada',
      cardId: m.cardId,
      email: 'ada@example.com',
      emailConsent: true,
      stamps: 4,
    }),
    201,
  );
  return ok(await m.api.get<ListPage<Customer>>('/v1/customers'), 200).items[0]!;
}

describe('the card page', () => {
  it('shows the long text, the email text, stamps, QR, voucher and reward without JavaScript, in under 50 KB', async () => {
    const m = await file.merchant('Café Lumen');
    const c = await customer(m);
    const made = ok(
      await m.api.post<{ runId: string }>('/v1/campaigns', {
        cardId: m.cardId,
        push: { text: 'Autumn menu is here' },
        messageText: LONG,
        voucher: { title: 'Free plum cake', validDays: 14 },
        email: { subject: 'Hello {{customer.name}}', body: 'Only {{stampsLeft}} stamps to your free coffee.' },
      }),
      201,
    );
    await expect
      .poll(async () => ok(await m.api.get<RunReport>(`/v1/runs/${made.runId}`), 200).status, { timeout: 30_000 })
      .toBe('completed');

    const path = new URL(c.walletUrl!).pathname;
    const res = await file.app.request(path);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(page)).toBeLessThan(50 * 1024);
    expect(page).not.toMatch(/<script|<link|src="http|APPLE_|development certificate/i);
    expect(page).toContain('Pumpkin spice latte, plum cake');
    expect(page).toContain('Hello Ada');
    expect(page).toContain('Only 6 stamps to your free coffee.');
    expect(page).not.toMatch(/unsubscribe/i); // the email's text, not its chrome
    expect(page.match(/class="stamp full"/g)).toHaveLength(4);
    expect(page.match(/class="stamp"/g)).toHaveLength(6);
    expect(page).toContain(await qrSvg(c.id)); // the pass's barcode message is the customer id
    expect(page).toMatch(/Free plum cake<\/b> <code>[A-Z0-9-]+<\/code> <span>valid until \d{4}-\d{2}-\d{2}/);
    expect(page).toContain('6 more for <b>Free coffee</b>');

    const context = await file.browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const phone = await context.newPage();
    await phone.goto(`${file.url}${path}`);
    await expect.poll(() => phone.getByRole('heading', { name: 'Autumn menu is here' }).isVisible()).toBe(true);
    expect(await phone.getByRole('img', { name: '4 of 10 stamps' }).isVisible()).toBe(true);
    await screenshot(phone, 'card-page-phone');
    await phone.mouse.wheel(0, 700);
    await screenshot(phone, 'card-page-phone-scrolled');
    await context.close();
  });
});

describe('the lock-screen preview', () => {
  it('shows the nearby text beside the push', async () => {
    const m = await file.merchant('Café Nord');
    const graph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } },
        { id: 'p', type: 'push', position: { x: 0, y: 140 }, data: { text: 'Happy hour 3–5pm' } },
      ],
      edges: [{ id: 'e', source: 't', target: 'p' }],
    };
    const flow = ok(await m.api.post<{ id: string }>('/v1/flows', { name: 'Happy hour', graph }), 201);
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, m.owner);
    await page.goto(`/flows/${flow.id}`);
    await page.locator('[data-testid="flow-canvas"][data-ready="true"]').waitFor();
    await page.locator('[data-kind="push"]').first().click();
    await page.getByLabel("When they're near the shop, show").fill('Free coffee waiting ☕');
    await expect.poll(() => page.getByTestId('lockscreen-nearby').textContent()).toContain('Free coffee waiting ☕');
    expect(await page.getByTestId('nearby-counter').textContent()).toBe('21/20');
    await page.getByLabel("When they're near the shop, show").fill('Free coffee waits ☕');
    await expect.poll(() => page.getByTestId('nearby-counter').textContent()).toBe('19/20');
    await page.getByTestId('lockscreen-nearby').scrollIntoViewIfNeeded();
    await screenshot(page, 'lock-screen-nearby');
  });

  it('saves the shops from Settings, and says what is wrong with a shop out of range', async () => {
    const m = await file.merchant('Café Süd');
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, m.owner);
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Add a shop' }).click();
    const shop = page.getByRole('group', { name: 'Shop 1' });
    await shop.getByLabel('Name').fill('Süd am Markt');
    await shop.getByLabel('Address').fill('Marktplatz 3, Leipzig');
    await shop.getByLabel('Latitude').fill('91');
    await shop.getByLabel('Longitude').fill('12,3731');
    await page.getByRole('button', { name: 'Save shops' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Shop 1 (Süd am Markt): the latitude must be a number from -90 to 90, like 51.3397.');
    expect(ok(await m.api.get<{ locations: unknown[] }>('/v1/merchant/settings'), 200).locations).toEqual([]);
    await shop.getByLabel('Latitude').fill('51,3397');
    await page.getByRole('button', { name: 'Save shops' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved. Cards pick up' }).waitFor();
    const saved = ok(await m.api.get<{ locations: unknown[] }>('/v1/merchant/settings'), 200);
    expect(saved.locations).toEqual([{ name: 'Süd am Markt', address: 'Marktplatz 3, Leipzig', latitude: 51.3397, longitude: 12.3731 }]);
    await page.getByRole('heading', { name: 'Your shops' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-shops');
  });
});
