/**
 * Event journeys through the HTTP API only, on real Postgres and the real Temporal dev
 * server: a reward-ready push within seconds of the stamp that fills the card, an event id sent twice, a
 * welcome series for new customers, cohorts that gather many events into few runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  createMerchant,
  importCustomers,
  ok,
  publishedFlow,
  runDeliveries,
  stackForFile,
  waitForStatus,
  type Merchant,
  type Page,
  type RunReport,
} from '../e2e/http';
import { journey, node } from './graphs';

const file = stackForFile();

/** Polls until `find` answers something. */
async function eventually<T>(find: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function runsOf(m: Merchant, flowId: string): Promise<RunReport[]> {
  const runs = await allPages<RunReport>(m.api, '/v1/runs', 100);
  return runs.filter((r) => r.flowId === flowId);
}

describe('event journeys', () => {
  let m: Merchant;
  beforeAll(async () => {
    m = await createMerchant(file.app, 'Event Café');
  });

  it('delivers the reward-ready push within 2 s of the stamp that fills the card, and only then', async () => {
    const flowId = await publishedFlow(
      m,
      journey({ trigger: 'event', event: 'reward_ready' }, [node('nudge', 'push', { text: 'Reward ready!' })]),
    );
    const byExt = await importCustomers(m, [
      { externalId: 'r-1', name: 'Ada', cardId: m.cardId, stamps: 8 },
      { externalId: 'r-2', name: 'Ben', cardId: m.cardId, stamps: 3 },
    ]);
    const ada = byExt.get('r-1')!;
    const nine = ok(await m.api.post<{ entered: number }>('/v1/events', { customerId: ada.id, type: 'stamp' }), 202);
    expect(nine.entered).toBe(0); // 9 of 10: not full yet
    const posted = Date.now();
    const stamp = ok(
      await m.api.post<{ id: string; entered: number }>('/v1/events', { customerId: ada.id, type: 'stamp' }),
      202,
    );
    expect(stamp.entered).toBe(1); // 10 of 10: the card is full
    ok(await m.api.post('/v1/events', { customerId: byExt.get('r-2')!.id, type: 'stamp' }), 202); // 4 of 10: not yet

    const sent = await eventually(async () => {
      for (const run of await runsOf(m, flowId)) {
        const deliveries = await runDeliveries(m, run.id);
        const mine = deliveries.find((d) => d.customerId === ada.id && d.status === 'sent');
        if (mine) return { run, delivery: mine };
      }
      return undefined;
    });
    expect(Date.parse(sent.delivery.at) - posted).toBeLessThan(2_000);
    expect(sent.run.source).toBe('event');
    const report = await waitForStatus(file.app, m.key, sent.run.id, ['completed']);
    expect(report.counts).toMatchObject({ members: 1, sent: 1 });
    // Ben's stamp entered nobody; nor does a stamp past full (11 of 10).
    ok(await m.api.post('/v1/events', { customerId: ada.id, type: 'stamp' }), 202);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await runsOf(m, flowId)).map((r) => r.counts.members)).toEqual([1]);
  });

  it('enters the one-stamp-to-go journey on the stamp that leaves one to the reward, not on the one that fills it', async () => {
    await publishedFlow(m, journey({ trigger: 'event', event: 'one_stamp_to_go' }, [node('nudge', 'push', { text: 'One more stamp!' })]));
    const cy = (await importCustomers(m, [{ externalId: 'o-1', name: 'Cy', cardId: m.cardId, stamps: 8 }])).get('o-1')!;
    const toGo = ok(await m.api.post<{ entered: number }>('/v1/events', { customerId: cy.id, type: 'stamp' }), 202);
    const full = ok(await m.api.post<{ entered: number }>('/v1/events', { customerId: cy.id, type: 'stamp' }), 202);
    // 9 of 10 enters the one-to-go journey; 10 of 10 enters the reward-ready one of the test above.
    expect([toGo.entered, full.entered]).toEqual([1, 1]);
  });

  it('counts an event id sent twice as one event that enters nobody twice', async () => {
    const flowId = await publishedFlow(
      m,
      journey({ trigger: 'event', event: 'stamp_added' }, [node('thanks', 'push', { text: 'Thanks for the visit' })]),
    );
    const byExt = await importCustomers(m, [{ externalId: 'd-1', name: 'Dup', cardId: m.cardId }]);
    const customerId = byExt.get('d-1')!.id;
    const body = { id: 'pos-4711', customerId, type: 'stamp' };
    const first = ok(await m.api.post<{ id: string; duplicate: boolean }>('/v1/events', body), 202);
    const again = ok(await m.api.post<{ id: string; duplicate: boolean }>('/v1/events', body), 200);
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    const customer = ok(await m.api.get<{ stamps: number }>(`/v1/customers/${customerId}`), 200);
    expect(customer.stamps).toBe(1);
    const run = await eventually(async () => (await runsOf(m, flowId))[0]);
    await waitForStatus(file.app, m.key, run.id, ['completed']);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const runs = await runsOf(m, flowId);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.counts).toMatchObject({ members: 1, sent: 1 });
  });

  it('gathers 300 stamps posted at once into a few cohort runs, each customer once', async () => {
    const flowId = await publishedFlow(
      m,
      journey({ trigger: 'event', event: 'stamp_added' }, [node('hi', 'push', { text: 'Stamped!' })]),
      'cohorts',
    );
    const rows = Array.from({ length: 300 }, (_, i) => ({ externalId: `c-${i}`, name: `C ${i}`, cardId: m.cardId }));
    const byExt = await importCustomers(m, rows);
    await Promise.all(
      rows.map((r) => m.api.post('/v1/events', { customerId: byExt.get(r.externalId)!.id, type: 'stamp' })),
    );
    const done = await eventually(async () => {
      const runs = await runsOf(m, flowId);
      const total = runs.reduce((n, r) => n + r.counts.sent, 0);
      return total === 300 && runs.every((r) => r.status === 'completed') ? runs : undefined;
    }, 30_000);
    expect(done.length).toBeLessThan(30); // cohorts, not one run per event
    expect(done.reduce((n, r) => n + r.counts.members, 0)).toBe(300);
  });

  it('welcomes a new customer once, however often the import is repeated', async () => {
    const flowId = await publishedFlow(
      m,
      journey({ trigger: 'event', event: 'joined' }, [
        node('hello', 'email', { subject: 'Welcome {{customer.name}}', body: 'Glad you joined.' }),
      ]),
      'welcome',
    );
    const row = { externalId: 'w-1', name: 'Wendy', email: 'wendy@example.test', emailConsent: true, cardId: m.cardId };
    ok(await m.api.post('/v1/customers', { customers: [row] }), 201);
    ok(await m.api.post('/v1/customers', { customers: [row] }), 201); // an update, not a new customer
    const run = await eventually(async () => (await runsOf(m, flowId)).find((r) => r.status === 'completed'));
    expect(run.counts).toMatchObject({ members: 1, sent: 1 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await runsOf(m, flowId)).toHaveLength(1);
    const outbox = ok(await m.api.get<Page<{ recipient: string; subject: string }>>('/v1/outbox?channel=email'), 200);
    expect(outbox.items.filter((e) => e.recipient === 'wendy@example.test').map((e) => e.subject)).toEqual([
      'Welcome Wendy',
    ]);
  });
});
