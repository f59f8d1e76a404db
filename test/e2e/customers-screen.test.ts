/**
 * Customers and the card's look on screen, in Debian's Chromium against the real API:
 * import a CSV with good and bad lines (preview, Cancel writes nothing, confirm writes the
 * good ones), edit a customer (the consent change in the history as edited by staff),
 * filter the list; upload a logo on the card form and see the card page at phone size with
 * the logo and the row of filled and empty stamps.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserForFile, screenshot, signIn, type BrowserMerchant } from './browser';
import { allPages, ok, type Customer } from './http';

const file = browserForFile();
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
let merchant: BrowserMerchant;

beforeAll(async () => {
  merchant = await file.merchant('Import Café');
});

const customers = () => allPages<Customer>(merchant.api, '/v1/customers', 100);

const CSV = [
  'name,email,birthday,email consent,customer id',
  'Ada Lovelace,ada@example.com,1990-12-10,yes,pos-1',
  'Ben Badmail,not-an-email,,no,pos-2',
  'Cleo Regular,cleo@example.com,03-15,,pos-3',
  'Dan Baddate,dan@example.com,02-30,yes,pos-4',
].join('\n');

describe('customers on screen', () => {
  it('previews a CSV with its bad lines, writes nothing on Cancel, and imports the good lines on confirm', async () => {
    const page = await file.newPage(DESKTOP);
    await signIn(page, merchant.owner);
    await page.getByRole('link', { name: 'Customers' }).click();
    const choose = async () => {
      await page.getByRole('button', { name: 'Import CSV' }).click();
      await page.getByLabel('CSV file').setInputFiles({ name: 'regulars.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
      await page.getByRole('status').filter({ hasText: 'regulars.csv: 2 new, 0 to update, 2 with problems' }).waitFor();
    };
    await choose();
    const preview = page.getByRole('table').filter({ hasText: 'What happens' });
    await expect.poll(() => preview.getByRole('row').count()).toBe(5);
    await preview.getByRole('row', { name: /Ben Badmail.*Email: must be an email address/ }).waitFor();
    await preview.getByRole('row', { name: /Dan Baddate.*Birthday: must be a real date/ }).waitFor();
    await screenshot(page, 'customers-import-preview-desktop');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await customers()).toEqual([]);

    await choose();
    await page.getByRole('button', { name: 'Import 2 customers' }).click();
    await page.getByText('Imported: 2 new, 0 updated; 2 lines with problems were left out.').waitFor();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    expect((await customers()).map((c) => c.name).sort()).toEqual(['Ada Lovelace', 'Cleo Regular']);
    // The year shows where it is known.
    await page.getByRole('row', { name: /Ada Lovelace.*10 December 1990/ }).waitFor();
    await screenshot(page, 'customers-after-import-desktop');
  });

  it('edits a customer’s email, birthday and consent; the history says edited by staff', async () => {
    const page = await file.newPage(DESKTOP);
    await signIn(page, merchant.owner);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Cleo Regular' }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit the customer' });
    await form.getByLabel('Email', { exact: true }).fill('cleo.new@example.com');
    await form.getByLabel(/Birthday/).fill('1988-03-15');
    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('15 March 1988').waitFor();
    await page.getByText(/via edited by staff/).waitFor();
    const cleo = (await customers()).find((c) => c.name === 'Cleo Regular');
    expect(cleo).toMatchObject({ email: 'cleo.new@example.com', birthday: '1988-03-15', emailConsent: true });
    const consent = ok(await merchant.api.get<{ items: { state: string; source: string }[] }>(`/v1/customers/${cleo?.id}/consent`), 200);
    expect(consent.items[0]).toMatchObject({ state: 'granted', source: 'staff_edit' });
  });

  it('filters the list by birthday month, consent and last visit', async () => {
    ok(await merchant.api.post('/v1/customers', { name: 'Vera Visitor', emailConsent: false, lastVisitAt: new Date().toISOString() }), 201);
    const page = await file.newPage(DESKTOP);
    await signIn(page, merchant.owner);
    await page.getByRole('link', { name: 'Customers' }).click();
    const names = async () => (await page.locator('table.list tbody tr td:first-child').allTextContents()).sort();
    await expect.poll(names).toEqual(['Ada Lovelace', 'Cleo Regular', 'Vera Visitor']);
    await page.getByLabel('Birthday in').selectOption({ label: 'December' });
    await expect.poll(names).toEqual(['Ada Lovelace']);
    await page.getByLabel('Birthday in').selectOption({ label: 'Any month' });
    await page.getByLabel('Email consent').selectOption({ label: 'Not agreed' });
    await expect.poll(names).toEqual(['Vera Visitor']);
    await page.getByLabel('Email consent').selectOption({ label: 'Anyone' });
    await page.getByLabel('Last visit').selectOption({ label: 'Not seen for 30+ days' });
    await expect.poll(names).toEqual(['Ada Lovelace', 'Cleo Regular']);
    await screenshot(page, 'customers-filtered-desktop');
  });
});

describe('the card’s look', () => {
  it('uploads a logo on the card form; the card page shows it and the row of stamps on a phone', async () => {
    const page = await file.newPage(DESKTOP);
    await signIn(page, merchant.owner);
    await page.getByRole('link', { name: 'Cards' }).click();
    const card = page.getByRole('listitem', { name: 'Coffee card' });
    await card.getByRole('button', { name: 'Edit' }).click();
    const logo = await sharp(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="150"><rect width="480" height="150" rx="20" fill="#f5e6c8"/><text x="240" y="98" font-size="64" font-family="sans-serif" text-anchor="middle" fill="#3b2a20">Import Café</text></svg>',
      ),
    )
      .png()
      .toBuffer();
    await card.getByLabel('Upload logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logo });
    await card.getByRole('img', { name: "The card's logo" }).waitFor();
    await screenshot(page, 'card-logo-desktop');
    const tooBig = Buffer.alloc(1024 * 1024 + 10);
    await card.getByLabel('Change logo').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: tooBig });
    await card.getByText(/it may be at most 1 MB/).waitFor();

    const ada = (await customers()).find((c) => c.name === 'Ada Lovelace')!;
    for (let i = 0; i < 4; i++) ok(await merchant.api.post('/v1/events', { customerId: ada.id, type: 'stamp' }), 202);
    const phone = await file.newPage(PHONE);
    await phone.goto(new URL(ada.walletUrl ?? '').pathname);
    await phone.getByRole('img', { name: '4 of 10 stamps' }).waitFor();
    expect(await phone.locator('.stamps circle.stamp.full').count()).toBe(4);
    expect(await phone.locator('.stamps circle.stamp:not(.full)').count()).toBe(6);
    const shown = await phone.locator('img.logo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0);
    expect(shown).toBe(true);
    await screenshot(phone, 'card-page-stamps-phone');
  });
});
