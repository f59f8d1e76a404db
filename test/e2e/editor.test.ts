/**
 * The editor end to end, in Debian's Chromium against the real API, worker, Postgres and
 * Temporal dev server: a merchant signs in, builds a win-back and a birthday journey from
 * their templates, meets a validation error on a node, publishes and runs them, sends a
 * campaign from the form, and finds out why a customer got nothing. Screens are saved under
 * test/e2e/screenshots/ on every run.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserForFile, screenshot, signIn, type BrowserMerchant } from './browser';
import { allPages, ok, type Customer, type RunReport } from './http';

const file = browserForFile();
const DAY = 86_400_000;

/** MM-DD of `days` from now in Europe/Berlin (the merchant's zone): a birthday that is due. */
function berlinMonthDay(days: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(Date.now() + days * DAY));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('month')}-${get('day')}`;
}

/**
 * Eight card holders: four lapsed 40 days (one without email consent), two regulars, two
 * with a birthday in three days (one without an email address).
 */
function customers(cardId: string) {
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const joinedAt = ago(400);
  const birthday = berlinMonthDay(3);
  const row = (externalId: string, name: string, extra: Record<string, unknown>) => ({
    externalId,
    name,
    cardId,
    joinedAt,
    email: `${externalId}@example.com`,
    emailConsent: true,
    ...extra,
  });
  return [
    row('lapsed-1', 'Lena Lapsed', { lastVisitAt: ago(40) }),
    row('lapsed-2', 'Luis Lapsed', { lastVisitAt: ago(41) }),
    row('lapsed-3', 'Lara Lapsed', { lastVisitAt: ago(45) }),
    row('lapsed-4', 'Nora Noconsent', { lastVisitAt: ago(50), emailConsent: false }),
    row('regular-1', 'Rita Regular', { lastVisitAt: ago(2) }),
    row('regular-2', 'Rolf Regular', { lastVisitAt: ago(3) }),
    row('birthday-1', 'Bea Birthday', { lastVisitAt: ago(1), birthday: `1990-${birthday}` }),
    { externalId: 'birthday-2', name: 'Bruno Nomail', cardId, joinedAt, lastVisitAt: ago(1), birthday },
  ];
}

let merchant: BrowserMerchant;
let byExternalId: Map<string, Customer>;

beforeAll(async () => {
  merchant = await file.merchant('Browser Café');
  const rows = customers(merchant.cardId);
  const imported = ok(
    await merchant.api.post<{ created: number; errors: unknown[] }>('/v1/customers', { customers: rows }),
    201,
  );
  expect(imported).toMatchObject({ created: rows.length, errors: [] });
  const all = await allPages<Customer>(merchant.api, '/v1/customers', 100);
  byExternalId = new Map(all.map((c) => [c.externalId ?? c.id, c]));
});

/** Waits until the run page's total `name` shows `value`. */
async function expectTotal(page: Page, name: string, value: number): Promise<void> {
  await expect.poll(() => page.getByTestId(`run-count-${name}`).textContent(), { timeout: 30_000 }).toBe(String(value));
}

/** The run's report through the API, for the numbers the page must agree with. */
async function report(runId: string): Promise<RunReport> {
  return ok(await merchant.api.get<RunReport>(`/v1/runs/${runId}`), 200);
}

/**
 * Sets the open flow's hold-out to 0: these runs have a handful of customers and count who
 * gets what, so nobody may be kept back by chance (journeys keep 10% back by default).
 */
async function keepNobodyBack(page: Page): Promise<void> {
  await page.locator('[data-kind="trigger"]').first().click();
  await page.getByLabel('Share kept back (%)').fill('0');
  await expect.poll(() => page.getByLabel('Share kept back (%)').inputValue()).toBe('0');
}

/** Opens a template from /flows/new and waits for its canvas. */
async function fromTemplate(page: Page, template: RegExp): Promise<string> {
  await page.goto('/flows/new');
  await page.getByRole('button', { name: template }).click();
  await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
  await page.locator('[data-testid="flow-canvas"][data-ready="true"]').waitFor();
  return page.url().split('/').at(-1)!;
}

/** Publishes (waiting for the draft to be saved first) and starts a run; answers the run id. */
async function publishAndRun(page: Page): Promise<string> {
  await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved');
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  await expect.poll(() => publish.isEnabled()).toBe(true);
  await publish.click();
  // A flow that sends by itself once published (birthday, win-back…) asks first, with who it reaches.
  const runNow = page.getByRole('button', { name: /Run now/ });
  const asks = page.getByRole('dialog');
  await Promise.race([runNow.waitFor(), asks.waitFor()]);
  if (await asks.isVisible()) {
    await asks.getByTestId('send-headline').waitFor();
    await asks.getByRole('button', { name: 'Publish', exact: true }).click();
    await asks.waitFor({ state: 'detached' });
  }
  await runNow.click();
  // Nothing runs before the owner has seen who it reaches and confirmed.
  const confirm = page.getByRole('dialog');
  await confirm.getByTestId('send-headline').waitFor();
  await confirm.getByRole('button', { name: 'Run now' }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  return page.url().split('/').at(-1)!;
}

describe('the editor in Chromium', () => {
  it('signs in: a wrong password is refused on the form, the right one opens the flow list', async () => {
    const page = await file.newPage();
    await page.goto('/flows');
    await page.getByLabel('Email').fill(merchant.owner.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/email or password/i);
    await screenshot(page, '01-sign-in-refused');
    await signIn(page, merchant.owner);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toMatch(/Flows/);
    await screenshot(page, '02-flows-empty');
  });

  it('builds a win-back flow from its template: a 25-character push is an error on its node and blocks publishing; fixed, it publishes and runs to the expected counts', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    const flowId = await fromTemplate(page, /Win-back/);
    await keepNobodyBack(page);

    const push = page.locator('[data-kind="push"]').first();
    const pushId = (await push.getAttribute('data-testid'))!.slice('node-'.length);
    await push.click();
    const message = page.getByLabel('Message');
    await message.fill('Come back for a free cake'); // 25 characters
    await expect.poll(() => page.getByTestId('push-counter').textContent()).toBe('25/20');
    await expect.poll(() => push.getAttribute('data-invalid')).toBe('true');
    await expect.poll(() => push.locator('.flow-node-problems').textContent()).toMatch(/20/);
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true);
    // The problems list names the problem; picking it selects its node again.
    const problems = page.getByRole('list', { name: 'Problems' });
    await expect.poll(() => problems.textContent()).toMatch(/20/);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await expect
      .poll(() => push.evaluate((el) => el.closest('.react-flow__node')?.classList.contains('selected')))
      .toBe(false);
    await problems.getByRole('button').first().click();
    await expect
      .poll(() => push.evaluate((el) => el.closest('.react-flow__node')?.classList.contains('selected')))
      .toBe(true);
    await screenshot(page, '03-win-back-push-too-long');

    await message.fill('We miss you ☕'); // 13
    await expect.poll(() => push.getAttribute('data-invalid')).toBe(null);
    const runId = await publishAndRun(page);

    // Four lapsed customers get the push, then wait for a visit (up to 7 days).
    await expectTotal(page, 'members', 4);
    await expectTotal(page, 'sent', 4);
    await expectTotal(page, 'waiting', 4);
    const api = await report(runId);
    expect(api.steps[pushId]).toMatchObject({ entered: 4, sent: 4 });
    await expect
      .poll(() => page.locator(`[data-testid="node-${pushId}"] .flow-node-overlay`).textContent())
      .toMatch(/4 entered · 4 sent/);
    await screenshot(page, '04-win-back-run');

    // The published version is listed with who published it, and opens read-only.
    await page.goto(`/flows/${flowId}`);
    await page.getByRole('tab', { name: /Versions/ }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Versions' }).textContent()).toContain(merchant.owner.email);
    await page.getByRole('link', { name: /Version 1/ }).click();
    await page.waitForURL(`**/flows/${flowId}/versions/1`);
    await expect.poll(() => page.locator('.page').textContent()).toMatch(/Version 1 — read-only/);
    expect(await page.getByRole('button', { name: 'Add push' }).count()).toBe(0);
    await screenshot(page, '04b-version-read-only');

    // Pause and resume from the editor; the API agrees.
    const status = async () => ok(await merchant.api.get<{ status: string }>(`/v1/flows/${flowId}`), 200).status;
    await page.goto(`/flows/${flowId}`);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(status).toBe('paused');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(status).toBe('active');
  });

  it('builds a birthday journey from its template and runs it: voucher, push and email for the two birthdays in three days', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    await fromTemplate(page, /Birthday/);
    await keepNobodyBack(page);
    const runId = await publishAndRun(page);
    await expectTotal(page, 'members', 2);
    // Two pushes sent; one email sent, one skipped (no email address).
    await expectTotal(page, 'sent', 3);
    await expectTotal(page, 'skipped', 1);
    const r = await report(runId);
    expect(r.counts).toMatchObject({ members: 2, sent: 3, skipped: 1, failed: 0 });
    await screenshot(page, '05-birthday-run');
  });

  it('sends a campaign from the form: every card holder gets the push, those with consent the email', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    await page.goto('/campaigns');
    await page
      .getByRole('link', { name: /Create card campaign/ })
      .or(page.getByRole('button', { name: /Create card campaign/ }))
      .first()
      .click();
    await page.getByLabel('Push message').fill("Coffee's waiting ☕");
    await expect.poll(() => page.getByTestId('push-counter').textContent()).toMatch(/^18\/20/);
    await page.getByRole('button', { name: /ADD VOUCHER/i }).click();
    await page.getByLabel('Voucher title').fill('Free cookie');
    await page.getByLabel(/Also send via Email/).check();
    await page.getByLabel('Subject').fill('A cookie for you, {{customer.name}}');
    await page.getByLabel('Text').fill('Show code {{voucher.code}} at the counter.');
    await screenshot(page, '06-campaign-form');
    await page.getByRole('button', { name: 'Send campaign' }).click();
    const confirm = page.getByRole('dialog');
    await expect.poll(() => confirm.getByTestId('send-headline').textContent()).toBe(
      '8 card holders: 8 pushes, 6 emails (2 have no email or did not agree)',
    );
    await confirm.getByRole('button', { name: 'Send campaign' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').at(-1)!;

    // 8 pushes; emails: 8 holders − 1 without consent − 1 without an address.
    await expectTotal(page, 'members', 8);
    await expectTotal(page, 'sent', 14);
    await expectTotal(page, 'skipped', 2);
    expect((await report(runId)).counts).toMatchObject({ members: 8, sent: 14, skipped: 2, failed: 0 });
    await screenshot(page, '07-campaign-run');

    // Deliveries filtered to the skipped ones name both customers and why; the Temporal
    // history reads as a timeline of the run's activities.
    await page.getByLabel('Status').selectOption('skipped');
    const deliveries = page.getByRole('region', { name: 'Deliveries' }).or(page.locator('section.deliveries'));
    await expect.poll(() => deliveries.locator('tbody tr').count()).toBe(2);
    const skippedText = (await deliveries.locator('tbody').textContent()) ?? '';
    expect([skippedText.includes('Nora Noconsent'), skippedText.includes('Bruno Nomail')]).toEqual([true, true]);
    await page.getByRole('tab', { name: /Timeline/ }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Timeline' }).textContent()).toMatch(/Done: Push "Coffee's waiting ☕"/);
    await expect.poll(() => page.locator('.history').textContent()).toMatch(/processStep push completed/);
    await screenshot(page, '07b-campaign-history');

    await page.goto('/campaigns');
    const row = page.getByRole('row').filter({ hasText: 'Push' }).first();
    await expect.poll(() => row.textContent()).toMatch(/Email/);
    await screenshot(page, '08-campaigns');
  });

  it('works by keyboard: sign in, add a step from the palette, undo it, all without the mouse', async () => {
    const page = await file.newPage();
    await page.goto('/');
    await page.getByLabel('Email').focus();
    await page.keyboard.type(merchant.owner.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(merchant.owner.password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const flows = ok(await merchant.api.get<{ items: { id: string; name: string }[] }>('/v1/flows'), 200);
    await page.goto(`/flows/${flows.items[0]!.id}`);
    await page.locator('[data-testid="flow-canvas"][data-ready="true"]').waitFor();
    const emails = page.locator('[data-kind="email"]');
    const before = await emails.count();
    await page.getByRole('button', { name: 'Add email' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => emails.count()).toBe(before + 1);
    // The new step is selected and its form is open: its subject field takes the keyboard.
    await page.getByLabel('Subject').focus();
    await page.keyboard.type('Typed by keyboard');
    await expect
      .poll(() => page.locator('[data-kind="email"]').filter({ hasText: 'Typed by keyboard' }).count())
      .toBe(1);
    // Inside a text field Ctrl+Z is the field's own; the toolbar's Undo takes the keyboard too.
    const undo = page.getByRole('button', { name: /Undo/ });
    await undo.focus();
    await page.keyboard.press('Enter'); // the typing
    await expect
      .poll(() => page.locator('[data-kind="email"]').filter({ hasText: 'Typed by keyboard' }).count())
      .toBe(0);
    await page.keyboard.press('Enter'); // the new step
    await expect.poll(() => emails.count()).toBe(before);
  });

  it('creates an API key in Settings (shown once, it works) and revokes it (it stops working)', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    await page.goto('/settings');
    const form = page.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('Till');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = await form.getByLabel('API key').inputValue();
    expect(key).toMatch(/^sf_live_[0-9a-f]{32}$/);
    const asKey = (k: string) => file.app.request('/v1/cards', { headers: { Authorization: `Bearer ${k}` } });
    expect((await asKey(key)).status).toBe(200);

    await page.getByRole('row', { name: /Till/ }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await expect.poll(async () => (await asKey(key)).status).toBe(401);
    await expect.poll(() => page.getByRole('row', { name: /Till/ }).textContent()).toMatch(/revoked/i);
  });

  it('stays readable on a tablet: no page scrolls sideways, wide tables scroll in their own box', async () => {
    const page = await file.newPage({ width: 768, height: 1024 });
    await signIn(page, merchant.owner);
    const campaigns = ok(await merchant.api.get<{ items: { runId: string }[] }>('/v1/campaigns'), 200);
    const flows = ok(await merchant.api.get<{ items: { id: string }[] }>('/v1/flows'), 200);
    const paths = [
      '/flows',
      `/flows/${flows.items[0]!.id}`,
      `/runs/${campaigns.items[0]!.runId}`,
      '/campaigns',
      '/campaigns/new',
      '/customers',
      '/outbox',
      '/settings',
    ];
    for (const path of paths) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).or(page.getByTestId('flow-canvas')).first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect([path, overflow]).toEqual([path, 0]);
    }
    await page.goto(`/runs/${campaigns.items[0]!.runId}`);
    await page.getByTestId('run-status').waitFor();
    await screenshot(page, '11-tablet-run');
  });

  it('finds a skipped customer and reads why: no email consent; and why a regular got no win-back', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    await page.goto('/customers');
    await page.getByLabel('Find a customer').fill('nora');
    await page.getByRole('link', { name: 'Nora Noconsent' }).click();
    await page.waitForURL(`**/customers/${byExternalId.get('lapsed-4')!.id}`);
    // The campaign's email skipped her: the page says so in words, and lists the skipped delivery.
    await expect
      .poll(() => page.locator('.page').textContent(), { timeout: 15_000 })
      .toMatch(/was skipped: no email consent/);
    await screenshot(page, '09-why-skipped');

    await page.goto('/customers');
    await page.getByLabel('Find a customer').fill('rita');
    await page.getByRole('link', { name: 'Rita Regular' }).click();
    await expect
      .poll(() => page.locator('[data-code="not_in_audience"]').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('.page').textContent())
      .toMatch(/last visit 2 days before the run; this flow is for 30 days or more/);
    await screenshot(page, '10-why-nothing');
  });

  it('sets the email footer in Settings; an email step then previews with it and sends a test to the signed-in owner only', async () => {
    const page = await file.newPage();
    await signIn(page, merchant.owner);
    await page.goto('/settings');
    const footer = page.getByRole('form', { name: 'Email footer' });
    await footer.getByLabel('Postal address').fill('Browser Café\nKastanienallee 12\n10435 Berlin');
    await footer.getByRole('button', { name: 'Save email footer' }).click();
    await expect
      .poll(
        async () =>
          ok(await merchant.api.get<{ postalAddress: string | null }>('/v1/merchant/settings'), 200).postalAddress,
      )
      .toBe('Browser Café\nKastanienallee 12\n10435 Berlin');
    await screenshot(page, '12-settings-email-footer');

    await fromTemplate(page, /Birthday/);
    await page.locator('[data-kind="email"]').first().click();
    // With an address on file, the form does not warn; the preview's footer shows it.
    const preview = page.frameLocator('iframe[title="Email preview"]');
    await expect.poll(() => preview.locator('body').textContent(), { timeout: 15_000 }).toMatch(/Kastanienallee 12/);
    expect(await page.getByTestId('postal-address-warning').count()).toBe(0);
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved');
    await page.getByRole('button', { name: `Send a test to ${merchant.owner.email}` }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Test sent' }).textContent())
      .toBe(`Test sent to ${merchant.owner.email}.`);
    const outbox = ok(
      await merchant.api.get<{ items: { recipient: string; subject: string | null }[] }>(
        '/v1/outbox?channel=email&limit=5',
      ),
      200,
    );
    expect(outbox.items[0]).toMatchObject({
      recipient: merchant.owner.email,
      subject: expect.stringMatching(/^\[Test\] /),
    });
    await screenshot(page, '13-email-step-test-sent');
  });
});
