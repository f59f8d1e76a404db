/**
 * The Outbox and the run page in the owner's words, in Chromium against the real API,
 * worker, Postgres and Temporal: customers named (not a pass id) and found by name or email,
 * voucher codes shown, subjects as sent, why members got nothing grouped with counts, what
 * the messaging rules held back on the flow; and Publish of a flow that sends by itself asks
 * first (Cancel publishes nothing, checked through the API). No developer word on any of it.
 * Screenshots at 1440 and 768 px go to test/e2e/screenshots/.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../engine/time/zoned';
import { browserForFile, screenshot, signIn, type BrowserMerchant } from './browser';
import { DEVELOPER_WORDS } from './developer-words';
import { allPages, ok, type Customer } from './http';

const file = browserForFile();
const today = localDate(new Date(), 'Europe/Berlin');
const birthday = `${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;

let merchant: BrowserMerchant;
let customers: Customer[];
let flowId: string;
let secondRunId: string;

/** Voucher, then email, then push: the email step comes first for "why nothing". */
function muffinGraph(cardId: string) {
  const at = (i: number) => ({ x: i * 280, y: 0 });
  return {
    nodes: [
      { id: 'trigger', type: 'trigger', position: at(0), data: { trigger: 'broadcast', cardId } },
      { id: 'voucher', type: 'voucher', position: at(1), data: { title: 'Free muffin', validDays: 14 } },
      { id: 'email', type: 'email', position: at(2), data: { subject: 'A muffin for {{customer.name}}', body: 'Show {{voucher.code}} at the till.' } },
      { id: 'push', type: 'push', position: at(3), data: { text: 'A muffin for you' } },
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'voucher' },
      { id: 'e2', source: 'voucher', target: 'email' },
      { id: 'e3', source: 'email', target: 'push' },
    ],
  };
}

/** Waits until the run has completed, through the API (a loop: `expect.poll` is for tests, this runs in `beforeAll`). */
async function finished(runId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { status } = ok(await merchant.api.get<{ status: string }>(`/v1/runs/${runId}`), 200);
    if (status === 'completed') return;
    if (status === 'failed' || status === 'cancelled' || Date.now() > deadline) throw new Error(`run ${runId} is ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function bothSizes(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 768, height: 1024 });
  await screenshot(page, `${name}-768`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** The visible text (closed "Technical details" are not visible) has no developer word. */
async function plainWords(page: Page, name: string): Promise<void> {
  const text = await page.locator('body').innerText();
  expect([name, DEVELOPER_WORDS.exec(text)?.[0] ?? null]).toEqual([name, null]);
}

beforeAll(async () => {
  merchant = await file.merchant('Plain Café');
  const row = (externalId: string, name: string, extra: Record<string, unknown>) => ({ externalId, name, cardId: merchant.cardId, ...extra });
  ok(
    await merchant.api.post('/v1/customers', {
      customers: [
        row('ada', 'Ada Lovelace', { email: 'ada@example.com', emailConsent: true, birthday }),
        row('ben', 'Ben Baker', { email: 'ben@example.com', emailConsent: true }),
        row('cleo', 'Cleo Noconsent', { email: 'cleo@example.com', emailConsent: false }),
        row('dan', 'Dan Nomail', {}),
      ],
    }),
    201,
  );
  customers = await allPages<Customer>(merchant.api, '/v1/customers', 100);
  flowId = ok(await merchant.api.post<{ id: string }>('/v1/flows', { name: 'Muffin week', graph: muffinGraph(merchant.cardId) }), 201).id;
  ok(await merchant.api.post(`/v1/flows/${flowId}/publish`), 201);
  const first = ok(await merchant.api.post<{ runId: string }>(`/v1/flows/${flowId}/runs`), 202);
  await finished(first.runId);
  // One push a week from now on: the second run's pushes are all held back.
  ok(await merchant.api.put('/v1/merchant/settings', { frequencyCap: { push: 1 } }), 200);
  secondRunId = ok(await merchant.api.post<{ runId: string }>(`/v1/flows/${flowId}/runs`), 202).runId;
  await finished(secondRunId);
}, 180_000);

describe('plain sending', () => {
  it('names customers in the Outbox, finds them by name or email and shows the voucher code', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto('/outbox');
    const list = page.getByRole('list', { name: 'Captured messages' });
    await expect.poll(() => list.locator('li').count()).toBeGreaterThan(0);
    const rows = await list.locator('.outbox-row-to').allInnerTexts();
    expect(rows.some((r) => /^Pass /.test(r))).toBe(false);
    expect(new Set(rows)).toEqual(new Set(['Ada Lovelace', 'Ben Baker', 'Cleo Noconsent', 'Dan Nomail']));
    await plainWords(page, 'outbox');
    await bothSizes(page, 'plain-01-outbox');

    await page.getByLabel('Find').fill('ben@exam');
    await expect.poll(async () => new Set(await list.locator('.outbox-row-to').allInnerTexts())).toEqual(new Set(['Ben Baker']));
    // Ben's email of the second run (newest first), as sent, and the code it carried.
    const detail = page.locator('.outbox-detail');
    await expect.poll(() => detail.locator('.email-subject').innerText()).toBe('A muffin for Ben Baker');
    const ben = customers.find((c) => c.externalId === 'ben')!;
    const vouchers = ok(await merchant.api.get<{ items: { code: string; customerId: string }[] }>(`/v1/runs/${secondRunId}/vouchers`), 200).items;
    const bensCode = vouchers.find((v) => v.customerId === ben.id)!.code;
    expect(await detail.getByTestId('outbox-voucher').innerText()).toBe(bensCode);
    await plainWords(page, 'outbox search');
    await bothSizes(page, 'plain-02-outbox-search');
  });

  it('lists on the run page why members got nothing, the vouchers issued and the subjects as sent', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto(`/runs/${secondRunId}`);
    const nothing = page.getByTestId('nothing-sent');
    await expect.poll(() => nothing.innerText(), { timeout: 15_000 }).toContain('2 of 4 customers got no message from this run');
    const groups = await nothing.locator('.nothing-sent-groups li').allInnerTexts();
    expect(groups.sort()).toEqual(['1 did not agree to emails', '1 has no email address on file']);
    // What the weekly push limit held back, on the run and on the flow.
    await expect.poll(() => page.getByTestId('held-back').innerText()).toMatch(/^Messaging rules held back 4 messages in the last 30 days: 4 pushes over the weekly limit/);

    const vouchers = page.getByTestId('run-vouchers');
    await expect.poll(() => vouchers.locator('tbody tr').count()).toBe(4);
    expect(await vouchers.locator('tbody').innerText()).toMatch(/Ada Lovelace[\s\S]*SF-|SF-[\s\S]*Ada Lovelace|Ada Lovelace/);
    const apiCodes = ok(await merchant.api.get<{ items: { code: string }[] }>(`/v1/runs/${secondRunId}/vouchers`), 200).items.map((v) => v.code);
    expect((await vouchers.locator('code').allInnerTexts()).sort()).toEqual(apiCodes.sort());

    const subjects = await page.locator('.delivery-subject').allInnerTexts();
    expect(subjects.sort()).toEqual(['“A muffin for Ada Lovelace”', '“A muffin for Ben Baker”']);
    await plainWords(page, 'run');
    await bothSizes(page, 'plain-03-run');
    await vouchers.scrollIntoViewIfNeeded();
    await bothSizes(page, 'plain-04-run-vouchers');

    await page.goto(`/flows/${flowId}`);
    await expect.poll(() => page.getByTestId('held-back').innerText()).toMatch(/4 pushes over the weekly limit/);
    await plainWords(page, 'flow');
    await page.goto('/flows');
    await expect.poll(() => page.getByTestId('held-back-list').innerText()).toMatch(/Muffin week: messaging rules held back 4 messages/);
    await plainWords(page, 'flows');
    await bothSizes(page, 'plain-05-flows-held-back');
  });

  it('asks before publishing a flow that sends by itself; Cancel publishes nothing', async () => {
    const graph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'birthday', cardId: merchant.cardId, daysBefore: 0, at: '10:00' } },
        { id: 'push', type: 'push', position: { x: 280, y: 0 }, data: { text: 'Happy birthday' } },
      ],
      edges: [{ id: 'e1', source: 'trigger', target: 'push' }],
    };
    const flow = ok(await merchant.api.post<{ id: string }>('/v1/flows', { name: 'Birthday muffin', graph }), 201);
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto(`/flows/${flow.id}`);
    const publish = page.getByRole('button', { name: 'Publish', exact: true });
    await publish.click();
    const dialog = page.getByRole('dialog', { name: 'Publish “Birthday muffin”?' });
    // Ada's birthday is today; her push count is the one the run would use (the weekly limit of 1 holds her back).
    const preview = ok(await merchant.api.get<{ members: number }>(`/v1/flows/${flow.id}/send-preview?draft=true`), 200);
    expect(preview.members).toBe(1);
    await expect.poll(() => dialog.getByTestId('send-headline').textContent()).toBe('1 customer: 0 pushes');
    expect(await dialog.innerText()).toMatch(/sends by itself every day at 10:00/);
    expect(await dialog.innerText()).toMatch(/1 already had 1 push this week \(your weekly limit\)/);
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await plainWords(page, 'publish confirmation');
    await bothSizes(page, 'plain-06-publish-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await publish.click();
    await dialog.getByTestId('send-headline').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    const unpublished = ok(await merchant.api.get<{ versions: unknown[]; status: string }>(`/v1/flows/${flow.id}`), 200);
    expect([unpublished.versions.length, unpublished.status]).toEqual([0, 'draft']);
    expect(ok(await merchant.api.get<{ items: unknown[] }>(`/v1/runs?flowId=${flow.id}`), 200).items).toEqual([]);

    await publish.click();
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(async () => ok(await merchant.api.get<{ versions: unknown[] }>(`/v1/flows/${flow.id}`), 200).versions.length).toBe(1);
  });

  it('says on the run page, the flow and the customer what quiet hours held, and until when', async () => {
    const quiet = await file.merchant('Quiet Hours Café');
    ok(await quiet.api.post('/v1/customers', { customers: [{ externalId: 'eva', name: 'Eva Early', cardId: quiet.cardId }] }), 201);
    // Quiet hours that end at the next whole minute at least 5 s away (and began two hours before).
    const minute = 60_000;
    const end = Math.ceil((Date.now() + 5_000) / minute) * minute;
    const clock = (at: number) => new Date(at).toLocaleTimeString('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
    ok(await quiet.api.put('/v1/merchant/settings', { quietHours: { start: clock(end - 120 * minute), end: clock(end) } }), 200);
    const graph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast', cardId: quiet.cardId } },
        { id: 'push', type: 'push', position: { x: 280, y: 0 }, data: { text: 'Good morning ☕' } },
      ],
      edges: [{ id: 'e1', source: 'trigger', target: 'push' }],
    };
    const quietFlow = ok(await quiet.api.post<{ id: string }>('/v1/flows', { name: 'Morning push', graph }), 201).id;
    ok(await quiet.api.post(`/v1/flows/${quietFlow}/publish`), 201);
    const { runId } = ok(await quiet.api.post<{ runId: string }>(`/v1/flows/${quietFlow}/runs`), 202);
    for (const deadline = end + 30_000; ; ) {
      const { status } = ok(await quiet.api.get<{ status: string }>(`/v1/runs/${runId}`), 200);
      if (status === 'completed') break;
      if (status !== 'running' || Date.now() > deadline) throw new Error(`run ${runId} is ${status}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(Date.now()).toBeGreaterThanOrEqual(end);

    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, quiet.owner);
    await page.goto(`/runs/${runId}`);
    await expect.poll(() => page.locator('.delivery-held').allInnerTexts(), { timeout: 15_000 }).toEqual([`held until ${clock(end)} by quiet hours`]);
    await expect
      .poll(() => page.getByTestId('held-back').innerText())
      .toMatch(new RegExp(`^Messaging rules held back 1 message in the last 30 days: 1 push held until ${clock(end)} by quiet hours`));
    await plainWords(page, 'run held by quiet hours');
    await bothSizes(page, 'plain-07-run-quiet-hours');
    await page.locator('.delivery-held').scrollIntoViewIfNeeded();
    await bothSizes(page, 'plain-08-run-quiet-hours-deliveries');

    const eva = (await allPages<Customer>(quiet.api, '/v1/customers', 100))[0]!;
    await page.goto(`/customers/${eva.id}`);
    const item = page.locator('.timeline-delivery').first();
    await expect
      .poll(() => item.innerText(), { timeout: 15_000 })
      .toMatch(new RegExp(`The push “Good morning ☕” held until ${clock(end)} by quiet hours, sent at \\d\\d:\\d\\d`));
    await plainWords(page, 'customer held by quiet hours');
    await bothSizes(page, 'plain-09-customer-quiet-hours');
  });
});
