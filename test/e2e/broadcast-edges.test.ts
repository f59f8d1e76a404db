/**
 * Broadcast edge cases through the HTTP API on the real stack: a send time already past,
 * and a customer without a wallet pass. Push "sends" go to the outbox, which is what the
 * tests count at, beside the delivery rows and the passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { pushesPerCustomer } from '../journeys/outbox';
import { broadcastGraph } from '../support/graphs';
import {
  createMerchant,
  importCustomers,
  ok,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  step,
  waitForStatus,
  type Customer,
  type Merchant,
  type OutboxMessage,
  type Page,
  type RunReport,
} from './http';

const file = stackForFile();
const FINAL = ['completed', 'failed', 'cancelled'] as const;

/** A merchant of its own with `n` customers, answered in import order. */
async function merchantWith(n: number, name: string): Promise<{ m: Merchant; customers: Customer[] }> {
  const m = await createMerchant(file.app, name);
  const rows = Array.from({ length: n }, (_, i) => ({ externalId: `${name}-${i}`, name: `C ${i}`, cardId: m.cardId }));
  const byExt = await importCustomers(m, rows);
  return { m, customers: rows.map((r) => byExt.get(r.externalId)!) };
}

describe('a broadcast whose sendAt is a minute past', () => {
  it('runs at once: started as running, completed, every card holder pushed once, sendAt kept', async () => {
    const { m, customers } = await merchantWith(5, 'past');
    const sendAt = new Date(Date.now() - 60_000).toISOString();
    const flowId = await publishedFlow(m, broadcastGraph({ push: 'Late but here', sendAt }));
    const requested = Date.now();
    const started = await startRun(m, flowId);
    expect(started.status).toBe('running'); // not `scheduled`: the time has come

    const report = await waitForStatus(file.app, m.key, started.runId, FINAL);
    expect(report).toMatchObject({ status: 'completed', sendAt, source: 'api' });
    expect(report.counts).toEqual({ members: 5, sent: 5, failed: 0, suppressed: 0, skipped: 0 });
    expect(report.steps['push']).toEqual(step({ entered: 5, sent: 5 }));
    // It started when asked, not at sendAt and not never.
    expect(Date.parse(report.startedAt)).toBeGreaterThanOrEqual(requested - 1_000);
    expect(Date.parse(report.finishedAt ?? '')).toBeLessThan(requested + 20_000);

    const perCustomer = await pushesPerCustomer(m, customers);
    expect(perCustomer.size).toBe(5);
    for (const c of customers) expect(perCustomer.get(c.id)).toEqual({ 'Late but here': 1 });
  });
});

describe('a push broadcast to a customer without a wallet pass', () => {
  let m: Merchant;
  let customers: Customer[];
  let passless: Customer;
  let report: RunReport;
  let runId: string;

  beforeAll(async () => {
    ({ m, customers } = await merchantWith(4, 'nopass'));
    passless = customers[2]!;
    const deleted = await file.stack.db.deleteFrom('passes').where('customer_id', '=', passless.id).executeTakeFirst();
    expect(Number(deleted.numDeletedRows)).toBe(1);
    const flowId = await publishedFlow(m, broadcastGraph({ push: 'Stamp day' }));
    runId = (await startRun(m, flowId)).runId;
    report = await waitForStatus(file.app, m.key, runId, FINAL);
  });

  it('records a skipped delivery with reason no_pass for them and sends to the others', async () => {
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({ members: 4, sent: 3, failed: 0, suppressed: 0, skipped: 1 });
    expect(report.steps['push']).toEqual(step({ entered: 4, sent: 3, skipped: 1 }));

    const deliveries = await runDeliveries(m, runId);
    expect(deliveries).toHaveLength(4);
    const byCustomer = new Map(deliveries.map((d) => [d.customerId, d]));
    expect(byCustomer.size).toBe(4);
    expect(byCustomer.get(passless.id)).toMatchObject({ channel: 'push', status: 'skipped', reason: 'no_pass' });
    expect(byCustomer.get(passless.id)?.providerMessageId).toBeUndefined();
    for (const c of customers.filter((x) => x.id !== passless.id)) {
      expect(byCustomer.get(c.id)).toMatchObject({ channel: 'push', status: 'sent', attempts: 1 });
      expect(byCustomer.get(c.id)?.providerMessageId).toMatch(/^outbox:/);
    }
  });

  it('puts nothing in the outbox for them and one push on each other pass', async () => {
    const perCustomer = await pushesPerCustomer(m, customers);
    expect([...perCustomer.keys()].sort()).toEqual(
      customers
        .filter((c) => c.id !== passless.id)
        .map((c) => c.id)
        .sort(),
    );
    for (const counts of perCustomer.values()) expect(counts).toEqual({ 'Stamp day': 1 });
    // Every outbox push of this merchant is one of those three (none addressed to nobody).
    const outbox = ok(await m.api.get<Page<OutboxMessage>>('/v1/outbox?channel=push&limit=100'), 200);
    expect(outbox.items.map((o) => o.recipient).filter((serial) => serial !== '')).toHaveLength(3);
    expect(outbox.items).toHaveLength(3);

    const passes = await file.stack.db
      .selectFrom('passes')
      .select(['customer_id', 'message', 'update_tag'])
      .where(
        'customer_id',
        'in',
        customers.map((c) => c.id),
      )
      .execute();
    expect(passes).toHaveLength(3);
    // Each pass changed (its tag moved off the import's 0) and holds the message.
    for (const p of passes) {
      expect(p.message).toBe('Stamp day');
      expect(Number(p.update_tag)).toBeGreaterThan(0);
    }
    const passless2 = ok(await m.api.get<Customer>(`/v1/customers/${passless.id}`), 200);
    expect(passless2.pass).toBeNull();
  });
});
