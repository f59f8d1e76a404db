/**
 * The result on the run page, in Chromium against the real stack: a win-back keeping 20%
 * back, visits after it, and the page's sentence agreeing with `GET /v1/runs/:id/results`.
 */
import { expect, it } from 'vitest';
import { browserForFile, screenshot, signIn } from './browser';
import { allPages, ok, type Customer } from './http';

const file = browserForFile();
const DAY = 86_400_000;

interface Member {
  customerId: string;
  group: 'treated' | 'holdout';
}

it('opens the run page with the result in one sentence and a chart of both groups', async () => {
  const m = await file.merchant('Results Browser Café');
  const lapsed = new Date(Date.now() - 40 * DAY).toISOString();
  const rows = Array.from({ length: 200 }, (_, i) => ({ externalId: `r-${i}`, name: `Regular ${i}`, cardId: m.cardId, lastVisitAt: lapsed }));
  ok(await m.api.post('/v1/customers', { customers: rows }), 201);
  expect(await allPages<Customer>(m.api, '/v1/customers', 250)).toHaveLength(200);
  const graph = {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'inactive', days: 30, holdoutPercent: 20 } },
      { id: 'miss', type: 'push', position: { x: 0, y: 140 }, data: { text: 'We miss you ☕' } },
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
  for (const x of [...treated.slice(0, 60), ...held.slice(0, 4)]) {
    ok(await m.api.post('/v1/events', { customerId: x.customerId, type: 'visit' }), 202);
  }

  const page = await file.newPage({ width: 1440, height: 900 });
  await signIn(page, m.owner);
  await page.goto(`/runs/${runId}`);
  const sentence = page.getByTestId('result-sentence');
  await sentence.waitFor();
  const text = await sentence.textContent();
  expect(text).toContain(`Of ${treated.length} who got “We miss you”, 60 came back within 7 days (${Math.round((60 / treated.length) * 100)}%).`);
  expect(text).toContain(`Of ${held.length} kept back, 4 did (${Math.round((4 / held.length) * 100)}%).`);
  await expect.poll(() => page.locator('.conversion-chart path.holdout').count()).toBe(1);
  await screenshot(page, 'results-run-page-1440');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'results-run-page-phone');
});
