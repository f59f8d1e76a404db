/**
 * Safe, plain sending in Chromium against the real API, worker, Postgres and Temporal: the
 * send confirmation shows the exact count and Cancel (or Escape) creates nothing; a new
 * merchant's messaging rules show on screen as the API has them; the unpublished-changes
 * marker appears and clears, and publishing twice keeps one version; a repeat birthday run
 * explains itself; and no developer word appears on the card page or the default views.
 * Screenshots at 1440 and 768 px go to test/e2e/screenshots/.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../engine/time/zoned';
import { broadcastGraph } from '../support/graphs';
import { browserForFile, screenshot, signIn, type BrowserMerchant } from './browser';
import { ADMIN_TOKEN, allPages, api, ok, type Customer } from './http';
import { DEVELOPER_WORDS } from './developer-words';

const file = browserForFile();
const today = localDate(new Date(), 'Europe/Berlin');
const birthday = `${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;

let merchant: BrowserMerchant;
let customers: Customer[];

beforeAll(async () => {
  merchant = await file.merchant('Safe Café');
  const row = (externalId: string, name: string, extra: Record<string, unknown>) => ({ externalId, name, cardId: merchant.cardId, ...extra });
  ok(
    await merchant.api.post('/v1/customers', {
      customers: [
        row('ada', 'Ada Birthday', { email: 'ada@example.com', emailConsent: true, birthday }),
        row('ben', 'Ben Mail', { email: 'ben@example.com', emailConsent: true }),
        row('cleo', 'Cleo Noconsent', { email: 'cleo@example.com', emailConsent: false }),
        row('dan', 'Dan Nomail', {}),
      ],
    }),
    201,
  );
  customers = await allPages<Customer>(merchant.api, '/v1/customers', 100);
});

/** Waits until the run has completed, through the API. */
async function finished(runId: string): Promise<void> {
  const status = async () => ok(await merchant.api.get<{ status: string }>(`/v1/runs/${runId}`), 200).status;
  await expect.poll(status, { timeout: 30_000 }).toBe('completed');
}

const countOf = async (path: string) => ok(await merchant.api.get<{ items: unknown[] }>(path), 200).items.length;

/** The visible text of the page, without the `<details>` left closed (Technical details). */
async function visibleText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

async function bothSizes(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 768, height: 1024 });
  await screenshot(page, `${name}-768`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('safe sending', () => {
  it('asks before a campaign sends, with the exact count; Cancel and Escape create nothing', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto('/campaigns/new');
    await page.getByLabel('Push message').fill('Coffee?');
    await page.getByLabel(/Also send via Email/).check();
    await page.getByLabel('Subject').fill('Hi {{customer.name}}');
    await page.getByLabel('Text').fill('Come by today.');
    await page.getByRole('button', { name: 'Send campaign' }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByTestId('send-headline').textContent())
      .toBe('4 card holders: 4 pushes, 2 emails (2 have no email or did not agree)');
    // Focus starts on Cancel, inside the dialog.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await bothSizes(page, 'safe-01-campaign-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await page.getByRole('button', { name: 'Send campaign' }).click();
    await dialog.getByTestId('send-headline').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect([await countOf('/v1/campaigns'), await countOf('/v1/runs')]).toEqual([0, 0]);

    await page.getByRole('button', { name: 'Send campaign' }).click();
    await dialog.getByRole('button', { name: 'Send campaign' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const campaigns = ok(await merchant.api.get<{ items: { name: string }[] }>('/v1/campaigns'), 200).items;
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]!.name).toMatch(/^Coffee card · \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}$/);
  });

  it('asks before Run now; Cancel starts no run', async () => {
    const flow = ok(await merchant.api.post<{ id: string }>('/v1/flows', { name: 'Tuesday treat', graph: broadcastGraph({ push: 'Treat today' }) }), 201);
    ok(await merchant.api.post(`/v1/flows/${flow.id}/publish`), 201);
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto(`/flows/${flow.id}`);
    await page.getByRole('button', { name: /Run now/ }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByTestId('send-headline').textContent()).toBe('4 customers: 4 pushes');
    await bothSizes(page, 'safe-02-run-now-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await countOf(`/v1/runs?flowId=${flow.id}`)).toBe(0);
  });

  it('shows a new merchant the messaging rules it starts with, as the API has them', async () => {
    const owner = { email: 'owner@new-cafe.example', password: 'flat-white-4242' };
    ok(await api(file.app, ADMIN_TOKEN).post('/v1/merchants', { name: 'New Café', timezone: 'Europe/Berlin', owner }), 201);
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, owner);
    await page.goto('/settings');
    const rules = page.getByRole('form', { name: 'Messaging rules' });
    await expect.poll(() => rules.getByLabel('Most phone notifications per customer in 7 days').inputValue()).toBe('2');
    expect(await rules.getByLabel('Most emails per customer in 7 days').inputValue()).toBe('2');
    expect([await rules.getByLabel('Quiet hours start').inputValue(), await rules.getByLabel('Quiet hours end').inputValue()]).toEqual([
      '21:00',
      '09:00',
    ]);
    await bothSizes(page, 'safe-03-settings-rules');
    const session = await page.evaluate(async () => (await fetch('/v1/merchant/settings')).json());
    expect(session).toMatchObject({ frequencyCap: { push: 2, email: 2 }, quietHours: { start: '21:00', end: '09:00' } });
  });

  it('marks unpublished changes until they are published; publishing again keeps one version', async () => {
    const graph = broadcastGraph({ push: 'Soup today' });
    const flow = ok(await merchant.api.post<{ id: string }>('/v1/flows', { name: 'Soup', graph }), 201);
    ok(await merchant.api.post(`/v1/flows/${flow.id}/publish`), 201);
    const again = await merchant.api.post<{ version: number; unchanged: boolean }>(`/v1/flows/${flow.id}/publish`);
    expect([again.status, again.body]).toMatchObject([200, { version: 1, unchanged: true }]);
    ok(await merchant.api.put(`/v1/flows/${flow.id}`, { graph: broadcastGraph({ push: 'Stew today' }) }), 200);

    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto(`/flows/${flow.id}`);
    const marker = page.getByTestId('unpublished-changes');
    await marker.waitFor();
    await marker.locator('summary').click();
    await expect.poll(() => marker.textContent()).toMatch(/Changed: Push · “Stew today”/);
    await bothSizes(page, 'safe-04-unpublished');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => marker.count()).toBe(0);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.locator('.action-notice').textContent()).toMatch(/nothing new to publish/);
    const versions = ok(await merchant.api.get<{ versions: unknown[] }>(`/v1/flows/${flow.id}`), 200).versions;
    expect(versions).toHaveLength(2);
  });

  it('explains a repeat birthday run: already had this birthday offer', async () => {
    const graph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'birthday', daysBefore: 0, at: '10:00' } },
        { id: 'push', type: 'push', position: { x: 280, y: 0 }, data: { text: 'Happy birthday' } },
      ],
      edges: [{ id: 'e1', source: 'trigger', target: 'push' }],
    };
    const flow = ok(await merchant.api.post<{ id: string }>('/v1/flows', { name: 'Birthday treat', graph }), 201);
    ok(await merchant.api.post(`/v1/flows/${flow.id}/publish`), 201);
    const first = ok(await merchant.api.post<{ runId: string }>(`/v1/flows/${flow.id}/runs`), 202);
    await finished(first.runId);
    const second = ok(await merchant.api.post<{ runId: string }>(`/v1/flows/${flow.id}/runs`), 202);
    await finished(second.runId);
    const ada = customers.find((c) => c.externalId === 'ada')!;
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto(`/customers/${ada.id}`);
    await expect
      .poll(() => visibleText(page), { timeout: 15_000 })
      .toMatch(/Already had this birthday offer on \d{1,2} [A-Z][a-z]{2}/);
    await bothSizes(page, 'safe-05-repeat-birthday');
  });

  it('speaks no developer words on the card page and the default views', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    const runs = ok(await merchant.api.get<{ items: { id: string }[] }>('/v1/runs'), 200).items;
    const flows = ok(await merchant.api.get<{ items: { id: string }[] }>('/v1/flows'), 200).items;
    const ada = customers.find((c) => c.externalId === 'ada')!;
    const views: [string, string][] = [
      ['card', new URL(ada.walletUrl!).pathname],
      ['flows', '/flows'],
      ['flow', `/flows/${flows[0]!.id}`],
      ['campaigns', '/campaigns'],
      ['run', `/runs/${runs[0]!.id}`],
      ['customers', '/customers'],
      ['customer', `/customers/${ada.id}`],
      ['outbox', '/outbox'],
    ];
    for (const [name, path] of views) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      const text = await visibleText(page);
      expect([name, DEVELOPER_WORDS.exec(text)?.[0] ?? null]).toEqual([name, null]);
      await bothSizes(page, `safe-06-words-${name}`);
    }
  });
});
