/**
 * Did it bring them back? End to end through the HTTP API only, on real Postgres and
 * Temporal: a win-back flow keeping 20% back over 1,000 lapsed customers. The hold-out gets
 * nothing (checked at the outbox, where messages leave, and on the customers' passes), visits
 * after the run count exactly once each and visits before it not at all, and lift, interval
 * and verdict follow from the counts.
 */
import { describe, expect, it } from 'vitest';
import { newcombeDifference } from '../../engine/results/interval';
import { holdoutBucket } from '../../engine/results/holdout';
import type { Graph } from '../support/graphs';
import {
  allPages,
  createMerchant,
  importCustomers,
  ok,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  waitForStatus,
  type Customer,
  type Merchant,
  type OutboxMessage,
} from './http';

const file = stackForFile();
const DAY = 86_400_000;

interface Results {
  goal: { event: string; withinDays: number };
  windowEndsAt: string;
  treated: { customers: number; converted: number; rate: number };
  holdout: { customers: number; converted: number; rate: number } | null;
  lift: { points: number; low: number; high: number } | null;
  extra: { customers: number; low: number; high: number } | null;
  verdict: string;
}
interface Member {
  customerId: string;
  name: string;
  group: 'treated' | 'holdout';
  enteredAt: string;
  convertedAt: string | null;
}

/** Win-back after 30 days, keeping `holdoutPercent` back: voucher → push → email. */
function winBack(holdoutPercent: number): Graph {
  const node = (id: string, type: string, data: Record<string, unknown>, y: number) => ({ id, type, position: { x: 0, y }, data });
  return {
    nodes: [
      node('trigger', 'trigger', { trigger: 'inactive', days: 30, holdoutPercent }, 0),
      node('gift', 'voucher', { title: 'A coffee on us', validDays: 14 }, 120),
      node('miss', 'push', { text: 'We miss you ☕' }, 240),
      node('mail', 'email', { subject: 'We miss you, {{customer.name}}', body: 'Your code: {{voucher.code}}' }, 360),
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'gift' },
      { id: 'e2', source: 'gift', target: 'miss' },
      { id: 'e3', source: 'miss', target: 'mail' },
    ],
  };
}

async function visit(m: Merchant, customerId: string, at: Date): Promise<void> {
  ok(await m.api.post('/v1/events', { customerId, type: 'visit', at: at.toISOString() }), 202);
}

describe('a win-back flow keeping 20% back over 1,000 lapsed customers', () => {
  it('keeps back a fifth, sends them nothing, and measures exactly the visits after the run', async () => {
    const m = await createMerchant(file.app, 'Results Café');
    const lapsed = new Date(Date.now() - 40 * DAY).toISOString();
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `l-${i}`,
      name: `Lapsed ${i}`,
      cardId: m.cardId,
      email: `l${i}@example.test`,
      emailConsent: true,
      lastVisitAt: lapsed,
    }));
    const customers = [...(await importCustomers(m, rows)).values()];
    const flowId = await publishedFlow(m, winBack(20), 'Win-back');
    const { runId } = await startRun(m, flowId);
    expect((await waitForStatus(file.app, m.key, runId, ['completed', 'failed', 'cancelled'], 60_000)).status).toBe('completed');

    // The split is the stable hash of (flow, customer): exactly those, whatever the run.
    const members = await allPages<Member>(m.api, `/v1/runs/${runId}/members`, 300);
    expect(members).toHaveLength(1000);
    const expectedHeld = customers.filter((c) => holdoutBucket(flowId, c.id) < 20).map((c) => c.id).sort();
    const held = members.filter((x) => x.group === 'holdout').map((x) => x.customerId).sort();
    expect(held).toEqual(expectedHeld);
    expect(held.length).toBeGreaterThan(150);
    expect(held.length).toBeLessThan(250);
    const heldSet = new Set(held);
    const treated = customers.filter((c) => !heldSet.has(c.id));

    // Nobody kept back got a push, an email or a voucher; everyone else got all three.
    const outbox = await allPages<OutboxMessage>(m.api, '/v1/outbox', 1000);
    const serials = new Map(customers.map((c) => [c.pass?.serialNumber, c]));
    const emails = new Map(customers.map((c) => [c.email, c]));
    const pushed = outbox.filter((o) => o.channel === 'push').map((o) => serials.get(o.recipient)?.id);
    const mailed = outbox.filter((o) => o.channel === 'email').map((o) => emails.get(o.recipient)?.id);
    expect(pushed.filter((id) => id === undefined || heldSet.has(id))).toEqual([]);
    expect(mailed.filter((id) => id === undefined || heldSet.has(id))).toEqual([]);
    expect(new Set(pushed).size).toBe(treated.length);
    expect(new Set(mailed).size).toBe(treated.length);
    const deliveries = await runDeliveries(m, runId);
    expect(deliveries.filter((d) => heldSet.has(d.customerId))).toEqual([]);
    for (const id of held.slice(0, 40)) {
      const c = ok(await m.api.get<Customer>(`/v1/customers/${id}`), 200);
      expect(c.pass?.voucherCode ?? null).toBeNull();
      expect(c.pass?.message ?? null).toBeNull();
      const journeys = ok(await m.api.get<{ items: { runId: string; left: unknown }[] }>(`/v1/customers/${id}/journeys`), 200);
      expect(journeys.items.find((j) => j.runId === runId)?.left).toEqual({ reason: 'holdout', nodeId: 'trigger' });
    }
    // The customer's timeline explains it in plain words.
    const timeline = ok(
      await m.api.get<{ items: { runId: string; kind: string; title: string }[]; runs: { runId: string; outcome: { code: string; message: string } }[] }>(
        `/v1/customers/${held[0]}/timeline`,
      ),
      200,
    );
    expect(timeline.runs.find((r) => r.runId === runId)?.outcome).toEqual({
      code: 'holdout',
      message: 'Kept back to measure this flow; got nothing on purpose',
    });
    expect(timeline.items.filter((i) => i.runId === runId && i.kind === 'left').map((i) => i.title)).toEqual([
      'Kept back to measure this flow; got nothing on purpose',
    ]);

    // Visits: 70 treated and 9 held-out customers come back after the run (some twice, still
    // one conversion each); others visited only before the run started, which never counts.
    const entered = new Date(members[0]?.enteredAt ?? 0);
    const cameBack = [...treated.slice(0, 70), ...held.slice(0, 9).map((id) => ({ id }))];
    for (const [i, c] of cameBack.entries()) {
      await visit(m, c.id, new Date(Date.now() - 1000));
      if (i % 10 === 0) await visit(m, c.id, new Date());
    }
    for (const c of [...treated.slice(100, 130), ...held.slice(20, 30).map((id) => ({ id }))]) {
      await visit(m, c.id, new Date(entered.getTime() - 60_000));
    }

    const results = ok(await m.api.get<Results>(`/v1/runs/${runId}/results`), 200);
    const t = treated.length;
    const h = held.length;
    const d = newcombeDifference(70, t, 9, h);
    expect(results).toEqual({
      goal: { event: 'visit', withinDays: 7 },
      windowEndsAt: new Date(entered.getTime() + 7 * DAY).toISOString(),
      treated: { customers: t, converted: 70, rate: 70 / t },
      holdout: { customers: h, converted: 9, rate: 9 / h },
      lift: { points: d.difference * 100, low: d.low * 100, high: d.high * 100 },
      extra: { customers: d.difference * t, low: d.low * t, high: d.high * t },
      // Both groups have 30+; the window is open: "worked" only if the interval clears 0.
      verdict: d.low > 0 ? 'worked' : d.high < 0 ? 'worse' : 'too_early',
    });

    const heldBack = await allPages<Member>(m.api, `/v1/runs/${runId}/members?group=holdout&converted=true`, 4);
    expect(heldBack.map((x) => x.customerId).sort()).toEqual(held.slice(0, 9).sort());
    expect(heldBack.every((x) => x.convertedAt !== null && new Date(x.convertedAt) > entered)).toBe(true);
    const notBack = await allPages<Member>(m.api, `/v1/runs/${runId}/members?group=treated&converted=false`, 500);
    expect(notBack).toHaveLength(t - 70);

    const since = new Date(entered.getTime() - DAY).toISOString();
    const flow = ok(await m.api.get<Results & { runs: number }>(`/v1/flows/${flowId}/results?since=${since}`), 200);
    expect(flow).toEqual({ ...results, runs: 1 });
    const before = ok(await m.api.get<Results & { runs: number }>(`/v1/flows/${flowId}/results?until=${since}`), 200);
    expect(before).toMatchObject({ runs: 0, treated: { customers: 0 }, holdout: null, verdict: 'no_holdout' });
  });

  it('answers a campaign with no hold-out as no_holdout, and refuses a hold-out over 50%', async () => {
    const m = await createMerchant(file.app, 'Campaign Café');
    await importCustomers(m, [{ externalId: 'c-1', name: 'Cleo', cardId: m.cardId }]);
    const made = ok(await m.api.post<{ runId: string }>('/v1/campaigns', { cardId: m.cardId, push: { text: 'Hello' } }), 201);
    await waitForStatus(file.app, m.key, made.runId, ['completed']);
    const results = ok(await m.api.get<Results>(`/v1/runs/${made.runId}/results`), 200);
    expect(results).toMatchObject({ treated: { customers: 1 }, holdout: null, lift: null, verdict: 'no_holdout' });

    const bad = await m.api.post<{ error: { code: string; details: { diagnostics: { field: string }[] } } }>('/v1/campaigns', {
      cardId: m.cardId,
      push: { text: 'Hello' },
      holdoutPercent: 60,
      goal: { event: 'visit', withinDays: 91 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.diagnostics.map((x) => x.field).sort()).toEqual(['goal.withinDays', 'holdoutPercent']);
  });
});
