/**
 * Who gets what, and when, end to end through the HTTP API only: a segment split, card
 * scope, events that change who a segment matches, scheduled and cancelled runs, waits.
 */
import { describe, expect, it } from 'vitest';
import { broadcastGraph, type Graph } from '../support/graphs';
import {
  createMerchant,
  importCustomers,
  ok,
  pollRun,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  step,
  waitForStatus,
  type Customer,
  type ErrorBody,
  type Merchant,
  type OutboxMessage,
  type Page,
  type RunReport,
} from './http';

const file = stackForFile();

const FINAL = ['completed', 'failed', 'cancelled'] as const;

/** trigger → segment "stamps >= 5": match → push "Reward close!", else → email. */
function splitGraph(): Graph {
  const node = (id: string, type: string, data: Record<string, unknown>, y: number) => ({
    id,
    type,
    position: { x: 0, y },
    data,
  });
  return {
    nodes: [
      node('trigger', 'trigger', { trigger: 'broadcast' }, 0),
      node('close', 'segment', { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 5 }] }, 120),
      node('reward', 'push', { text: 'Reward close!' }, 240),
      node('nudge', 'email', { subject: 'Come back soon', body: '{{stampsLeft}} stamps to your reward.' }, 240),
    ],
    edges: [
      { id: 'e1', source: 'trigger', target: 'close' },
      { id: 'e2', source: 'close', target: 'reward', sourceHandle: 'match' },
      { id: 'e3', source: 'close', target: 'nudge', sourceHandle: 'else' },
    ],
  };
}

/** Runs the flow to its end; answers the report and the ids of the customers each node delivered to. */
async function runToEnd(m: Merchant, flowId: string) {
  const { runId } = await startRun(m, flowId);
  const report = await waitForStatus(file.app, m.key, runId, FINAL);
  const deliveries = await runDeliveries(m, runId);
  const to = (nodeId: string) =>
    deliveries
      .filter((d) => d.nodeId === nodeId)
      .map((d) => d.customerId)
      .sort();
  return { runId, report, deliveries, to };
}

describe('a segment split', () => {
  it('pushes to customers with 5+ stamps, emails the others, and nobody gets both', async () => {
    const m = await createMerchant(file.app, 'Split');
    const n = 300;
    const rows = Array.from({ length: n }, (_, i) => ({
      externalId: `s-${i}`,
      name: `S ${i}`,
      cardId: m.cardId,
      stamps: (i * 7) % 13,
      ...(i % 6 === 0 ? {} : { email: `s${i}@example.test` }),
      emailConsent: i % 4 !== 1,
    }));
    const byExt = await importCustomers(m, rows);
    const close = rows.filter((r) => r.stamps >= 5);
    const far = rows.filter((r) => r.stamps < 5);
    const farMailable = far.filter((r) => 'email' in r && r.emailConsent).length;
    const ids = (rs: typeof rows) => rs.map((r) => byExt.get(r.externalId)?.id as string).sort();

    const { report, deliveries, to } = await runToEnd(m, await publishedFlow(m, splitGraph()));
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({
      members: n,
      sent: close.length + farMailable,
      skipped: far.length - farMailable,
      failed: 0,
      suppressed: 0,
    });
    expect(report.steps).toEqual({
      trigger: step({ entered: n }),
      close: step({ entered: n }),
      reward: step({ entered: close.length, sent: close.length }),
      nudge: step({ entered: far.length, sent: farMailable, skipped: far.length - farMailable }),
    });
    expect(to('reward')).toEqual(ids(close));
    expect(to('nudge')).toEqual(ids(far));
    expect(new Set(deliveries.map((d) => d.customerId)).size).toBe(n); // one delivery each: nobody got both
    expect(deliveries).toHaveLength(n);
  });
});

describe('card scope', () => {
  it('reaches only the holders of the chosen card', async () => {
    const m = await createMerchant(file.app, 'Two Cards');
    const bakery = ok(
      await m.api.post<{ id: string }>('/v1/cards', { name: 'Bakery card', stampsRequired: 8, reward: 'Free bread' }),
      201,
    );
    const rows = [
      ...Array.from({ length: 12 }, (_, i) => ({ externalId: `a-${i}`, name: `A ${i}`, cardId: m.cardId })),
      ...Array.from({ length: 7 }, (_, i) => ({ externalId: `b-${i}`, name: `B ${i}`, cardId: bakery.id })),
    ];
    const byExt = await importCustomers(m, rows);
    const bakeryIds = rows
      .filter((r) => r.cardId === bakery.id)
      .map((r) => byExt.get(r.externalId)?.id)
      .sort();

    const scoped = await startRun(
      m,
      await publishedFlow(m, broadcastGraph({ cardId: bakery.id, push: 'Fresh bread!' })),
    );
    const run = await waitForStatus(file.app, m.key, scoped.runId, FINAL);
    expect(run.counts).toEqual({ members: 7, sent: 7, skipped: 0, failed: 0, suppressed: 0 });
    expect((await runDeliveries(m, scoped.runId)).map((d) => d.customerId).sort()).toEqual(bakeryIds);

    const everyone = await startRun(m, await publishedFlow(m, broadcastGraph({ push: 'Hello all' })));
    expect((await waitForStatus(file.app, m.key, everyone.runId, FINAL)).counts).toMatchObject({
      members: 19,
      sent: 19,
    });
  });
});

describe('events', () => {
  it('stamps and redeemed rewards recorded through POST /v1/events change who a later segment run matches', async () => {
    const m = await createMerchant(file.app, 'Events');
    const start: Record<string, number> = { a: 4, b: 5, c: 7, d: 3, e: 12, f: 0 };
    const rows = Object.entries(start).map(([k, stamps]) => ({
      externalId: `ev-${k}`,
      name: k,
      cardId: m.cardId,
      stamps,
      email: `${k}@example.test`,
      emailConsent: true,
    }));
    const byExt = await importCustomers(m, rows);
    const id = (k: string) => byExt.get(`ev-${k}`)?.id as string;
    const flowId = await publishedFlow(m, splitGraph());

    const before = await runToEnd(m, flowId);
    expect(before.to('reward')).toEqual(['b', 'c', 'e'].map(id).sort());

    const events: [string, 'stamp' | 'visit' | 'reward_redeemed'][] = [
      ['a', 'stamp'],
      ['b', 'reward_redeemed'],
      ['c', 'visit'],
      ['d', 'stamp'],
      ['d', 'stamp'],
      ['e', 'reward_redeemed'],
      ['f', 'visit'],
    ];
    for (const [k, type] of events) {
      const body = k === 'd' ? { externalId: `ev-${k}`, type } : { customerId: id(k), type };
      expect((await m.api.post<{ id: string }>('/v1/events', body)).status).toBe(202);
    }
    const stamps = { ...start };
    for (const [k, type] of events)
      stamps[k] =
        type === 'stamp'
          ? (stamps[k] ?? 0) + 1
          : type === 'reward_redeemed'
            ? Math.max((stamps[k] ?? 0) - 10, 0)
            : (stamps[k] ?? 0);
    expect(stamps).toEqual({ a: 5, b: 0, c: 7, d: 5, e: 2, f: 0 });
    for (const k of Object.keys(start)) {
      const c = ok(await m.api.get<Customer>(`/v1/customers/${id(k)}`), 200);
      expect([k, c.stamps, c.lastVisitAt !== null]).toEqual([k, stamps[k], ['a', 'c', 'd', 'f'].includes(k)]);
    }

    const after = await runToEnd(m, flowId);
    expect(after.to('reward')).toEqual(['a', 'c', 'd'].map(id).sort());
    expect(after.to('nudge')).toEqual(['b', 'e', 'f'].map(id).sort());
    expect(after.report.counts).toEqual({ members: 6, sent: 6, skipped: 0, failed: 0, suppressed: 0 });
  });
});

describe('scheduled runs', () => {
  it('holds a run with sendAt in 3 seconds as scheduled, then sends it', async () => {
    const m = await createMerchant(file.app, 'Later');
    await importCustomers(
      m,
      Array.from({ length: 5 }, (_, i) => ({ externalId: `l-${i}`, name: `L ${i}`, cardId: m.cardId })),
    );
    const sendAt = new Date(Date.now() + 3_000).toISOString();
    const started = await startRun(m, await publishedFlow(m, broadcastGraph({ sendAt, push: 'Happy hour now' })));
    expect(started.status).toBe('scheduled');
    const early = ok(await m.api.get<RunReport>(`/v1/runs/${started.runId}`), 200);
    expect(early).toMatchObject({
      status: 'scheduled',
      sendAt,
      counts: { members: 0, sent: 0, skipped: 0, failed: 0, suppressed: 0 },
    });
    expect(await runDeliveries(m, started.runId)).toEqual([]);

    const done = await waitForStatus(file.app, m.key, started.runId, FINAL, 20_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toEqual({ members: 5, sent: 5, skipped: 0, failed: 0, suppressed: 0 });
    expect(Date.parse(done.startedAt)).toBeGreaterThanOrEqual(Date.parse(sendAt));
  });

  it('cancels a run scheduled an hour ahead: it ends cancelled with no deliveries, and a second cancel is a 409', async () => {
    const m = await createMerchant(file.app, 'Never');
    await importCustomers(
      m,
      Array.from({ length: 5 }, (_, i) => ({ externalId: `x-${i}`, name: `X ${i}`, cardId: m.cardId })),
    );
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const { runId, status } = await startRun(m, await publishedFlow(m, broadcastGraph({ sendAt, push: 'Too late' })));
    expect(status).toBe('scheduled');
    const cancel = await m.api.post<{ id: string; status: string }>(`/v1/runs/${runId}/cancel`);
    expect([cancel.status, cancel.body]).toEqual([202, { id: runId, status: 'scheduled' }]);

    const done = await waitForStatus(file.app, m.key, runId, FINAL, 10_000);
    expect(done).toMatchObject({
      status: 'cancelled',
      sendAt,
      counts: { members: 0, sent: 0, skipped: 0, failed: 0, suppressed: 0 },
    });
    expect(done.finishedAt).toEqual(expect.any(String));
    expect(await runDeliveries(m, runId)).toEqual([]);
    expect(ok(await m.api.get<Page<OutboxMessage>>('/v1/outbox'), 200).items).toEqual([]);

    const again = await m.api.post<ErrorBody>(`/v1/runs/${runId}/cancel`);
    expect([again.status, again.body.error]).toEqual([
      409,
      { code: 'conflict', message: 'The run is already cancelled' },
    ]);
  });
});

describe('waits', () => {
  it('records the pushes, waits 2 seconds, then sends the emails', async () => {
    const m = await createMerchant(file.app, 'Patient');
    const n = 20;
    await importCustomers(
      m,
      Array.from({ length: n }, (_, i) => ({
        externalId: `w-${i}`,
        name: `W ${i}`,
        cardId: m.cardId,
        email: `w${i}@example.test`,
        emailConsent: true,
      })),
    );
    const graph = broadcastGraph({
      push: 'See you soon',
      waitSeconds: 2,
      email: { subject: 'Reminder', body: 'Hi {{customer.name}}' },
    });
    const { runId } = await startRun(m, await publishedFlow(m, graph));

    const midway = await pollRun(m, runId, (r) => r.steps['wait']?.entered === n);
    expect(midway.status).toBe('running');
    expect(midway.steps['push']).toEqual(step({ entered: n, sent: n }));
    expect(midway.steps['email']).toEqual(step({ entered: 0 }));

    const done = await waitForStatus(file.app, m.key, runId, FINAL);
    expect(done.status).toBe('completed');
    expect(done.counts).toEqual({ members: n, sent: 2 * n, skipped: 0, failed: 0, suppressed: 0 });
    expect(done.steps['email']).toEqual(step({ entered: n, sent: n }));
    const deliveries = await runDeliveries(m, runId);
    const at = (channel: string) => deliveries.filter((d) => d.channel === channel).map((d) => Date.parse(d.at));
    expect(at('push')).toHaveLength(n);
    expect(at('email')).toHaveLength(n);
    // Every email is recorded at least the wait (2 s; 10 ms for clock rounding) after the last push.
    expect(Math.min(...at('email')) - Math.max(...at('push'))).toBeGreaterThanOrEqual(1_990);
  });
});
