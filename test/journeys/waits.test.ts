/**
 * Win-back with a wait for a visit, and the other waits, through the HTTP API on the real
 * stack: visitors leave by `visited` within seconds of their visit, the rest by `timeout`
 * when the wait ends, and the run report says who waits where until when.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createMerchant,
  importCustomers,
  ok,
  pollRun,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  waitForStatus,
  type Merchant,
} from '../e2e/http';
import { edge, journey, node } from './graphs';

const file = stackForFile();

const DAY = 86_400_000;

describe('waits', () => {
  let m: Merchant;
  beforeAll(async () => {
    m = await createMerchant(file.app, 'Win-back Café');
  });

  it('win-back: the half who visit during the wait get a thank-you within seconds, only the others the reminder', async () => {
    const lapsed = new Date(Date.now() - 40 * DAY).toISOString();
    const rows = Array.from({ length: 10 }, (_, i) => ({
      externalId: `w-${i}`,
      name: `W ${i}`,
      cardId: m.cardId,
      lastVisitAt: lapsed,
    }));
    rows.push({ externalId: 'fresh', name: 'Fresh', cardId: m.cardId, lastVisitAt: new Date().toISOString() });
    const byExt = await importCustomers(m, rows);
    const graph = journey(
      { trigger: 'inactive', days: 30 },
      [node('offer', 'push', { text: 'We miss you ☕' }), node('wait', 'wait', { untilVisit: { seconds: 8 } })],
      {
        nodes: [
          node('thanks', 'push', { text: 'Good to see you!' }),
          node('remind', 'push', { text: 'Still missing you' }),
        ],
        edges: [edge('wait', 'thanks', 'visited'), edge('wait', 'remind', 'timeout')],
      },
    );
    const flowId = await publishedFlow(m, graph, 'win-back');
    const { runId } = await startRun(m, flowId); // fires today's cohort now
    const waiting = await pollRun(m, runId, (r) => r.steps['wait']?.waiting === 10);
    expect(waiting.counts.members).toBe(10); // "fresh" visited today: not lapsed
    expect(Date.parse(waiting.steps['wait']?.waitingUntil ?? '')).toBeGreaterThan(Date.now());

    const visitors = rows.slice(0, 5).map((r) => byExt.get(r.externalId)!.id);
    const visitedAt = Date.now();
    for (const customerId of visitors) ok(await m.api.post('/v1/events', { customerId, type: 'visit' }), 202);
    const thanked = await pollRun(m, runId, (r) => r.steps['thanks']?.sent === 5, 6_000);
    expect(Date.now() - visitedAt).toBeLessThan(4_000); // moved by the visit, not by the end of the wait
    expect(thanked.steps['wait']?.waiting).toBe(5);
    expect(thanked.steps['remind']?.entered).toBe(0);

    const done = await waitForStatus(file.app, m.key, runId, ['completed'], 20_000);
    expect(done.steps['thanks']).toMatchObject({ entered: 5, sent: 5 });
    expect(done.steps['remind']).toMatchObject({ entered: 5, sent: 5 });
    expect(done.steps['wait']?.waiting).toBe(0);
    const reminded = (await runDeliveries(m, runId)).filter((d) => d.nodeId === 'remind').map((d) => d.customerId);
    expect(reminded.sort()).toEqual(
      rows
        .slice(5, 10)
        .map((r) => byExt.get(r.externalId)!.id)
        .sort(),
    );

    // The same lapse never enters twice; a new visit and a new lapse would.
    const again = await startRun(m, flowId);
    expect((await waitForStatus(file.app, m.key, again.runId, ['completed'])).counts.members).toBe(0);
  });

  it('a wait until a time of day holds members until then, in the merchant time zone', async () => {
    await importCustomers(m, [{ externalId: 'u-1', name: 'U', cardId: m.cardId }]);
    const flowId = await publishedFlow(
      m,
      journey({ trigger: 'broadcast' }, [
        node('hold', 'wait', { until: { time: '03:00' } }),
        node('after', 'push', { text: 'Morning!' }),
      ]),
      'until',
    );
    const { runId } = await startRun(m, flowId);
    const report = await pollRun(m, runId, (r) => (r.steps['hold']?.waiting ?? 0) > 0);
    const until = new Date(report.steps['hold']?.waitingUntil ?? '');
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    expect(berlin.format(until)).toBe('03:00');
    expect(until.getTime() - Date.now()).toBeGreaterThan(0);
    expect(until.getTime() - Date.now()).toBeLessThanOrEqual(DAY + 3_600_000);
    ok(await m.api.post(`/v1/runs/${runId}/cancel`), 202);
    const cancelled = await waitForStatus(file.app, m.key, runId, ['cancelled']);
    expect(cancelled.steps['hold']?.waiting).toBe(0);
    expect(cancelled.steps['after']?.entered).toBe(0);
  });
});
