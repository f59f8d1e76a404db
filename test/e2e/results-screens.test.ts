/**
 * Results where a café owner looks, in Chromium against the real stack: a win-back keeping
 * 20% back and a campaign, visits after both, then the canvas's per-step counts, the
 * "Came back" column of the flows and campaigns lists, the customer timeline's line and
 * the run page's sentence, each agreeing with the results API. Screenshots at 1440 and 390 px.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { browserForFile, screenshot, signIn } from './browser';
import { allPages, ok } from './http';

const file = browserForFile();
const DAY = 86_400_000;

interface Member {
  customerId: string;
  group: 'treated' | 'holdout';
}

/** Screenshots at 1440 and 390 px; `show` brings what matters into view at each size. */
async function bothSizes(page: Page, name: string, show: () => Promise<void> = async () => undefined): Promise<void> {
  for (const [width, height, suffix] of [[1440, 900, '1440'], [390, 844, '390']] as const) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(600); // layout transitions (the closed step panel sliding away) settle
    await show();
    await screenshot(page, `${name}-${suffix}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

it('shows who came back on the canvas, in both lists, on the timeline and on the run page', async () => {
  const m = await file.merchant('Came Back Café');
  const lapsed = new Date(Date.now() - 40 * DAY).toISOString();
  const rows = Array.from({ length: 200 }, (_, i) => ({ externalId: `r-${i}`, name: `Regular ${i}`, cardId: m.cardId, lastVisitAt: lapsed }));
  ok(await m.api.post('/v1/customers', { customers: rows }), 201);
  const graph = {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'inactive', days: 30, holdoutPercent: 20 } },
      { id: 'miss', type: 'push', position: { x: 280, y: 0 }, data: { text: 'We miss you ☕' } },
    ],
    edges: [{ id: 'e1', source: 'trigger', target: 'miss' }],
  };
  const flow = ok(await m.api.post<{ id: string }>('/v1/flows', { name: 'We miss you', graph }), 201);
  ok(await m.api.post(`/v1/flows/${flow.id}/publish`), 201);
  const { runId } = ok(await m.api.post<{ runId: string }>(`/v1/flows/${flow.id}/runs`), 202);
  await expect.poll(async () => ok(await m.api.get<{ status: string }>(`/v1/runs/${runId}`), 200).status, { timeout: 30_000 }).toBe('completed');
  const members = await allPages<Member>(m.api, `/v1/runs/${runId}/members`, 500);
  const treated = members.filter((x) => x.group === 'treated');
  const held = members.filter((x) => x.group === 'holdout');
  const back = treated.slice(0, 41);
  for (const x of [...back, ...held.slice(0, 3)]) ok(await m.api.post('/v1/events', { customerId: x.customerId, type: 'visit' }), 202);

  const campaign = ok(
    await m.api.post<{ runId: string }>('/v1/campaigns', { name: 'Rainy day', cardId: m.cardId, push: { text: 'Rainy? Come in ☔' } }),
    201,
  );
  await expect
    .poll(async () => ok(await m.api.get<{ status: string }>(`/v1/runs/${campaign.runId}`), 200).status, { timeout: 30_000 })
    .toBe('completed');
  const reached = await allPages<Member>(m.api, `/v1/runs/${campaign.runId}/members`, 500);
  for (const x of reached.slice(0, 12)) ok(await m.api.post('/v1/events', { customerId: x.customerId, type: 'stamp' }), 202);

  // What the API says, which the screens must say in words.
  const flowResult = ok(await m.api.get<{ treated: { customers: number; converted: number } }>(`/v1/flows/${flow.id}/results`), 200);
  expect(flowResult.treated).toMatchObject({ customers: treated.length, converted: 41 });
  const steps = ok(await m.api.get<{ items: { nodeId: string; got: number; cameBack: number }[] }>(`/v1/flows/${flow.id}/results/steps`), 200);
  const got = steps.items.find((s) => s.nodeId === 'miss')?.got ?? 0;
  expect(got).toBeGreaterThan(0);
  const campaignResult = ok(await m.api.get<{ treated: { customers: number; converted: number } }>(`/v1/runs/${campaign.runId}/results`), 200);
  expect(campaignResult.treated.converted).toBe(12);

  const page = await file.newPage({ width: 1440, height: 900 });
  await signIn(page, m.owner);

  await page.goto(`/flows/${flow.id}`);
  const stepLine = page.getByTestId('step-result-miss');
  await expect.poll(() => stepLine.textContent(), { timeout: 15_000 }).toBe(`${got} got it · ${steps.items.find((s) => s.nodeId === 'miss')?.cameBack} came back`);
  await bothSizes(page, 'results-canvas', async () => {
    await page.getByRole('button', { name: /fit view/i }).click().catch(() => undefined);
    await stepLine.scrollIntoViewIfNeeded().catch(() => undefined);
  });

  await page.goto('/flows');
  const flowRow = page.getByRole('row').filter({ hasText: 'We miss you' });
  const share = (n: number, of: number) => `${n} of ${of} (${Math.round((n / of) * 100)}%)`;
  await expect.poll(() => flowRow.locator('.came-back').textContent()).toBe(share(41, treated.length));
  await bothSizes(page, 'results-flows-list');

  await page.goto('/campaigns');
  const campaignRow = page.getByRole('row').filter({ hasText: 'Rainy day' });
  await expect.poll(() => campaignRow.locator('.came-back').textContent()).toBe(share(12, campaignResult.treated.customers));
  await bothSizes(page, 'results-campaigns-list');

  await page.goto(`/customers/${back[0]!.customerId}`);
  const line = page.getByText('Came back less than a day after “We miss you ☕”').first();
  await line.waitFor();
  await bothSizes(page, 'results-timeline', () => line.scrollIntoViewIfNeeded());
  await page.goto(`/customers/${held[0]!.customerId}`);
  const heldLine = page.getByText(/Came back less than a day after entering, without any message: kept back/).first();
  await heldLine.waitFor();
  await page.getByText('Kept back to measure this flow; got nothing on purpose').first().waitFor();
  await bothSizes(page, 'results-timeline-holdout', () => heldLine.scrollIntoViewIfNeeded());

  await page.goto(`/runs/${runId}`);
  const sentence = page.getByTestId('result-sentence');
  await sentence.waitFor();
  expect(await sentence.textContent()).toContain(`Of ${treated.length} who got “We miss you”, 41 came back within 7 days`);
  await bothSizes(page, 'results-run-result');
});
