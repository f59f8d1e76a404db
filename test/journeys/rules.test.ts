/**
 * The merchant's messaging rules and a journey's exit rules, through the HTTP API on the real
 * stack: the frequency cap skips (and says why), quiet hours hold messages until the window
 * ends and never drop them, a visit during a journey with `exitOn: ['visit']` ends it, and a
 * redeemed voucher is never reminded of.
 */
import { describe, expect, it } from 'vitest';
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
  type Customer,
  type ErrorBody,
  type Merchant,
} from '../e2e/http';
import { daysBetween, farFromNow, merchantClock, merchantDay } from './clock';
import { put } from './flows';
import { journey, node } from './graphs';

const file = stackForFile();

const MINUTE = 60_000;

function broadcastPush(text: string) {
  return journey({ trigger: 'broadcast' }, [node('push', 'push', { text })]);
}

async function customer(m: Merchant, id: string): Promise<Customer> {
  return ok(await m.api.get<Customer>(`/v1/customers/${id}`), 200);
}

/** Runs a published flow by hand to its end. */
async function runToEnd(m: Merchant, flowId: string, timeoutMs?: number) {
  const { runId } = await startRun(m, flowId);
  return waitForStatus(file.app, m.key, runId, ['completed'], timeoutMs);
}

describe('frequency cap', () => {
  it('skips a second push within 7 days with reason frequency_cap, and leaves the pass as it was', async () => {
    const m = await createMerchant(file.app, 'Capped Café');
    const settings = ok(
      await put<{ frequencyCap: unknown }>(file.app, m, '/v1/merchant/settings', { frequencyCap: { push: 1 } }),
      200,
    );
    expect(settings.frequencyCap).toEqual({ push: 1, email: null });
    const first = await importCustomers(m, [
      { externalId: 'ada', name: 'Ada', cardId: m.cardId },
      { externalId: 'ben', name: 'Ben', cardId: m.cardId },
    ]);
    const ada = first.get('ada')!;
    expect((await runToEnd(m, await publishedFlow(m, broadcastPush('Hello'), 'first'))).counts).toMatchObject({
      sent: 2,
      skipped: 0,
    });
    const passBefore = (await customer(m, ada.id)).pass;
    expect(passBefore).toMatchObject({ message: 'Hello' });

    const later = await importCustomers(m, [{ externalId: 'cem', name: 'Cem', cardId: m.cardId }]);
    const second = await runToEnd(m, await publishedFlow(m, broadcastPush('Again'), 'second'));
    expect(second.counts).toMatchObject({ members: 3, sent: 1, skipped: 2 });
    const deliveries = await runDeliveries(m, second.id);
    const byCustomer = Object.fromEntries(deliveries.map((d) => [d.customerId, [d.status, d.reason]]));
    expect(byCustomer).toEqual({
      [ada.id]: ['skipped', 'frequency_cap'],
      [first.get('ben')!.id]: ['skipped', 'frequency_cap'],
      [later.get('cem')!.id]: ['sent', undefined], // no push this week yet
    });
    expect((await customer(m, ada.id)).pass).toEqual(passBefore);
  });
});

/**
 * Quiet hours for `m` that began an hour ago and end at the next whole minute at least
 * `atLeastMs` away (the merchant's clock has minutes); answers the end, epoch ms.
 */
async function quietNow(m: Merchant, atLeastMs: number): Promise<number> {
  const now = Date.now();
  const end = Math.ceil((now + atLeastMs) / MINUTE) * MINUTE;
  const quietHours = { start: merchantClock(new Date(now - 60 * MINUTE)), end: merchantClock(new Date(end)) };
  ok(await put(file.app, m, '/v1/merchant/settings', { quietHours }), 200);
  return end;
}

describe('quiet hours', () => {
  it('hold a push due inside the window until the window ends, then send every message, and say so', async () => {
    const m = await createMerchant(file.app, 'Quiet Café');
    await importCustomers(
      m,
      ['ada', 'ben', 'cem'].map((name) => ({ externalId: name, name, cardId: m.cardId })),
    );
    const end = await quietNow(m, 8_000);

    const flowId = await publishedFlow(m, broadcastPush('Quiet please'), 'quiet');
    const { runId } = await startRun(m, flowId);
    await pollRun(m, runId, (r) => r.counts.members === 3);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const held = await pollRun(m, runId, () => true);
    expect(Date.now()).toBeLessThan(end);
    expect(held.status).toBe('running');
    expect(held.steps['push']).toMatchObject({ entered: 0, sent: 0, skipped: 0 });
    expect(await runDeliveries(m, runId)).toEqual([]);

    const done = await waitForStatus(file.app, m.key, runId, ['completed'], end - Date.now() + 20_000);
    expect(done.counts).toMatchObject({ members: 3, sent: 3, skipped: 0 });
    const deliveries = await runDeliveries(m, runId);
    expect(deliveries).toHaveLength(3);
    for (const d of deliveries) {
      expect(Date.parse(d.at)).toBeGreaterThanOrEqual(end);
      // The ledger records the hold on each message's one row.
      expect(d.heldUntil).toBe(new Date(end).toISOString());
    }

    // The flow's held-back totals count them, with when the hold ended.
    const heldBack = ok(
      await m.api.get<{ flows: { flowId: string; total: number; byRule: unknown[] }[] }>(`/v1/held-back?flowId=${flowId}`),
      200,
    );
    expect(heldBack.flows).toEqual([
      { flowId, total: 3, byRule: [{ rule: 'quiet_hours', channel: 'push', count: 3, until: new Date(end).toISOString() }] },
    ]);

    // The customer's timeline says it was held, until when, and when it went out.
    const [first] = deliveries;
    const timeline = ok(
      await m.api.get<{ items: { kind: string; title: string }[]; runs: { runId: string; outcome: { message: string } }[] }>(
        `/v1/customers/${first!.customerId}/timeline`,
      ),
      200,
    );
    const sentAt = merchantClock(new Date(first!.at));
    expect(timeline.items.find((i) => i.kind === 'delivery')?.title).toBe(
      `The push “Quiet please” held until ${merchantClock(new Date(end))} by quiet hours, sent at ${sentAt}`,
    );
    expect(timeline.runs.find((r) => r.runId === runId)?.outcome.message).toBe(
      `Got the push “Quiet please” at ${sentAt} (held until ${merchantClock(new Date(end))} by quiet hours)`,
    );
  });

  it('count a held message the weekly limit then dropped once, under the limit', async () => {
    const m = await createMerchant(file.app, 'Quiet Capped Café');
    await importCustomers(m, [{ externalId: 'ada', name: 'Ada', cardId: m.cardId }]);
    ok(await put(file.app, m, '/v1/merchant/settings', { frequencyCap: { push: 0 } }), 200);
    const end = await quietNow(m, 4_000);
    const flowId = await publishedFlow(m, broadcastPush('Not today'), 'capped');
    const { runId } = await startRun(m, flowId);
    await waitForStatus(file.app, m.key, runId, ['completed'], end - Date.now() + 20_000);
    expect(await runDeliveries(m, runId)).toMatchObject([{ status: 'skipped', reason: 'frequency_cap' }]);
    const held = ok(await m.api.get<{ flows: unknown[] }>(`/v1/held-back?flowId=${flowId}`), 200);
    expect(held.flows).toEqual([{ flowId, total: 1, byRule: [{ rule: 'frequency_cap', channel: 'push', count: 1 }] }]);
  });
});

describe('exit rules', () => {
  it('a customer who visits during the journey gets no later push and is shown as left by the exit rule', async () => {
    const m = await createMerchant(file.app, 'Exit Café');
    const byExt = await importCustomers(
      m,
      ['ada', 'ben', 'cem'].map((name) => ({ externalId: name, name, cardId: m.cardId })),
    );
    const [ada, ben, cem] = ['ada', 'ben', 'cem'].map((name) => byExt.get(name)!.id) as [string, string, string];
    const graph = journey({ trigger: 'broadcast', exitOn: ['visit'] }, [
      node('first', 'push', { text: 'Come by today' }),
      node('pause', 'wait', { for: { seconds: 3 } }),
      node('second', 'push', { text: 'Last call' }),
    ]);
    const { runId } = await startRun(m, await publishedFlow(m, graph, 'exit on visit'));
    await pollRun(m, runId, (r) => r.steps['pause']?.waiting === 3);
    ok(await m.api.post('/v1/events', { customerId: ada, type: 'visit' }), 202);

    const done = await waitForStatus(file.app, m.key, runId, ['completed']);
    expect(done.steps['first']).toMatchObject({ entered: 3, sent: 3 });
    expect(done.steps['second']).toMatchObject({ entered: 2, sent: 2 });
    const second = (await runDeliveries(m, runId)).filter((d) => d.nodeId === 'second').map((d) => d.customerId);
    expect(second.sort()).toEqual([ben, cem].sort());

    const journeys = async (id: string) => {
      const { items } = ok(
        await m.api.get<{ items: { runId: string; left: unknown; currentStep: unknown }[] }>(
          `/v1/customers/${id}/journeys`,
        ),
        200,
      );
      return items.find((j) => j.runId === runId);
    };
    expect(await journeys(ada)).toMatchObject({
      currentStep: null,
      left: { reason: 'exit_rule:visit', nodeId: 'second' },
    });
    expect(await journeys(ben)).toMatchObject({ currentStep: null, left: { reason: 'finished', nodeId: 'second' } });
  });

  it('a redeemed voucher is never reminded of before it expires', async () => {
    const m = await createMerchant(file.app, 'Voucher Café');
    const byExt = await importCustomers(
      m,
      ['ada', 'ben'].map((name) => ({ externalId: name, name, cardId: m.cardId })),
    );
    const gift = journey({ trigger: 'broadcast' }, [node('cake', 'voucher', { title: 'Free cake', validDays: 5 })]);
    await runToEnd(m, await publishedFlow(m, gift, 'gift'));
    const codeOf = async (name: string) => (await customer(m, byExt.get(name)!.id)).pass?.voucherCode ?? '';
    const [adaCode, benCode] = [await codeOf('ada'), await codeOf('ben')];

    const redeemed = ok(await m.api.post<{ redeemedAt: string | null }>(`/v1/vouchers/${adaCode}/redeem`), 200);
    expect(redeemed.redeemedAt).not.toBeNull();
    const twice = await m.api.post<ErrorBody>(`/v1/vouchers/${adaCode}/redeem`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('conflict');

    // Remind on the merchant's day on which the vouchers expire.
    const { expiresAt } = ok(await m.api.get<{ expiresAt: string }>(`/v1/vouchers/${benCode}`), 200);
    const daysBefore = daysBetween(merchantDay(), merchantDay(new Date(expiresAt)));
    const reminder = journey({ trigger: 'event', event: 'voucher_expiring', daysBefore, at: farFromNow() }, [
      node('remind', 'push', { text: 'Cake expires soon' }),
    ]);
    const flowId = await publishedFlow(m, reminder, 'voucher reminder');
    const done = await runToEnd(m, flowId);
    expect(done.counts).toMatchObject({ members: 1, sent: 1 });
    expect((await runDeliveries(m, done.id)).map((d) => d.customerId)).toEqual([byExt.get('ben')!.id]);
    expect((await runToEnd(m, flowId)).counts.members).toBe(0); // reminded once
  });
});
