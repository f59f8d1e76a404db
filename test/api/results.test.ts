/**
 * Results on runs written straight into the tables (so a run can have entered weeks ago and
 * each case states exactly what was recorded): the window's edges, one conversion per member,
 * which events meet which goal, every verdict, flow sums and ranges, and the hold-out split
 * as SQL makes it against the same hash in TypeScript.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan, PlanGoal } from '../../engine/compiler/plan';
import { holdoutBucket, keepBack } from '../../engine/results/holdout';
import { read, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;

async function flow(goal: PlanGoal, holdoutPercent: number): Promise<string> {
  const plan: Plan = {
    planVersion: 1,
    triggerNodeId: 'trigger',
    trigger: { kind: 'inactive', days: 30, at: '10:00', goal, holdoutPercent },
    entry: ['p'],
    steps: { p: { kind: 'push', id: 'p', text: 'We miss you', next: { next: [] } } },
  };
  const row = await h.db
    .insertInto('flows')
    .values({ merchant_id: m.id, name: 'Win-back', graph: '{}', status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.db.insertInto('flow_versions').values({ flow_id: row.id, version: 1, graph: '{}', plan: JSON.stringify(plan) }).execute();
  return row.id;
}

async function customers(n: number): Promise<string[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    merchant_id: m.id,
    card_id: m.cardId,
    name: `C ${i}`,
    email_consent: false,
    stamps: 0,
    joined_at: new Date(),
  }));
  return (await h.db.insertInto('customers').values(rows).returning('id').execute()).map((r) => r.id);
}

/** A completed run that `treated` and `held` entered at `enteredAt`. */
async function run(flowId: string, enteredAt: Date, treated: string[], held: string[] = []): Promise<string> {
  const { id } = await h.db
    .insertInto('runs')
    .values({
      merchant_id: m.id,
      flow_id: flowId,
      version: 1,
      workflow_id: `test-${randomUUID()}`,
      status: 'completed',
      created_at: enteredAt,
      started_at: enteredAt,
      member_count: treated.length + held.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const all = [...treated, ...held];
  if (all.length > 0) {
    await h.db
      .insertInto('run_step_members')
      .values(all.map((customer_id, i) => ({ run_id: id, node_id: 'trigger', seq: i + 1, customer_id, outcome: null })))
      .execute();
  }
  if (held.length > 0) {
    await h.db
      .insertInto('run_exits')
      .values(held.map((customer_id) => ({ run_id: id, customer_id, node_id: 'trigger', reason: 'holdout', at: enteredAt })))
      .execute();
  }
  return id;
}

async function event(customerId: string, type: string, at: Date): Promise<void> {
  await h.db.insertInto('events').values({ merchant_id: m.id, customer_id: customerId, type, at }).execute();
}

async function results(runId: string) {
  const res = await read(m.api.v1.runs[':id'].results.$get({ param: { id: runId } }));
  expect(res.status).toBe(200);
  return res.body;
}

describe('the window', () => {
  it('counts goal events after entry up to withinDays after it, each member once', async () => {
    const flowId = await flow({ event: 'visit', withinDays: 7 }, 0);
    const entered = new Date(Date.now() - 30 * DAY);
    const [atEntry, justAfter, lastMoment, tooLate, twice, stamped, redeemed, before] = await customers(8);
    const runId = await run(flowId, entered, [atEntry, justAfter, lastMoment, tooLate, twice, stamped, redeemed, before] as string[]);
    const at = (ms: number) => new Date(entered.getTime() + ms);
    await event(atEntry as string, 'visit', at(0));
    await event(justAfter as string, 'visit', at(1));
    await event(lastMoment as string, 'visit', at(7 * DAY));
    await event(tooLate as string, 'visit', at(7 * DAY + 1));
    await event(twice as string, 'visit', at(DAY));
    await event(twice as string, 'visit', at(2 * DAY));
    await event(stamped as string, 'stamp', at(3 * DAY)); // a stamp is made at a visit
    await event(redeemed as string, 'reward_redeemed', at(3 * DAY)); // not a visit
    await event(before as string, 'visit', at(-DAY));

    const r = await results(runId);
    expect(r.treated).toEqual({ customers: 8, converted: 4, rate: 0.5 });
    expect(r.windowEndsAt).toBe(at(7 * DAY).toISOString());
    expect(r.verdict).toBe('no_holdout');

    const back = await read(m.api.v1.runs[':id'].members.$get({ param: { id: runId }, query: { converted: 'true' } }));
    const byId = new Map(back.body.items.map((x) => [x.customerId, x.convertedAt]));
    expect(byId).toEqual(
      new Map([
        [justAfter, at(1).toISOString()],
        [lastMoment, at(7 * DAY).toISOString()],
        [twice, at(DAY).toISOString()],
        [stamped, at(3 * DAY).toISOString()],
      ]),
    );
    const days = await read(m.api.v1.runs[':id'].results.days.$get({ param: { id: runId } }));
    expect(days.body).toEqual({
      withinDays: 7,
      days: [
        { day: 0, treated: 2, holdout: 0 },
        { day: 2, treated: 1, holdout: 0 },
        { day: 6, treated: 1, holdout: 0 },
      ],
    });
  });

  it('counts a redeemed voucher for the voucher goal, and a reward for the reward goal', async () => {
    const voucherFlow = await flow({ event: 'voucher_redeemed', withinDays: 3 }, 0);
    const rewardFlow = await flow({ event: 'reward_redeemed', withinDays: 3 }, 0);
    const entered = new Date(Date.now() - 10 * DAY);
    const [a, b, c] = (await customers(3)) as [string, string, string];
    const voucher = (customerId: string, redeemedAt: Date) =>
      h.db
        .insertInto('vouchers')
        .values({ merchant_id: m.id, customer_id: customerId, code: randomUUID().slice(0, 8), title: 'Coffee', expires_at: new Date(Date.now() + DAY), redeemed_at: redeemedAt })
        .execute();
    await voucher(a, new Date(entered.getTime() + DAY));
    await voucher(b, new Date(entered.getTime() + 4 * DAY));
    await event(c, 'reward_redeemed', new Date(entered.getTime() + DAY));
    expect((await results(await run(voucherFlow, entered, [a, b, c]))).treated.converted).toBe(1);
    expect((await results(await run(rewardFlow, entered, [a, b, c]))).treated.converted).toBe(1);
  });
});

describe('verdicts', () => {
  /** A run of 100 treated and 50 held out, `t` and `k` of whom visited on day 1. */
  async function measured(t: number, k: number, daysAgo = 30) {
    const flowId = await flow({ event: 'visit', withinDays: 7 }, 33);
    const ids = await customers(150);
    const treated = ids.slice(0, 100);
    const held = ids.slice(100);
    const entered = new Date(Date.now() - daysAgo * DAY);
    for (const id of [...treated.slice(0, t), ...held.slice(0, k)]) await event(id, 'visit', new Date(entered.getTime() + DAY / 2));
    return results(await run(flowId, entered, treated, held));
  }

  it('worked: the interval is above 0', async () => {
    expect((await measured(40, 5)).verdict).toBe('worked');
  });
  it('worse: the interval is below 0', async () => {
    expect((await measured(5, 20)).verdict).toBe('worse');
  });
  it('no_difference: the window has ended and the interval contains 0', async () => {
    const r = await measured(20, 10);
    expect(r.verdict).toBe('no_difference');
    expect(r.lift?.low).toBeLessThan(0);
    expect(r.lift?.high).toBeGreaterThan(0);
  });
  it('too_early: the window is still open and the interval contains 0', async () => {
    const r = await measured(20, 10, 1);
    expect(r.verdict).toBe('too_early');
    expect(new Date(r.windowEndsAt ?? 0).getTime()).toBeGreaterThan(Date.now());
  });
  it('too_few: a group under 30', async () => {
    const flowId = await flow({ event: 'visit', withinDays: 7 }, 20);
    const ids = await customers(129);
    const r = await results(await run(flowId, new Date(Date.now() - 30 * DAY), ids.slice(0, 100), ids.slice(100)));
    expect(r).toMatchObject({ holdout: { customers: 29 }, verdict: 'too_few' });
    expect(r.lift).not.toBeNull();
  });
});

describe('a flow over its runs', () => {
  it('sums the runs entered in the range, each by its own window', async () => {
    const flowId = await flow({ event: 'visit', withinDays: 2 }, 50);
    const ids = await customers(8);
    const first = new Date(Date.now() - 20 * DAY);
    const second = new Date(Date.now() - 10 * DAY);
    await run(flowId, first, ids.slice(0, 2), ids.slice(2, 4));
    await run(flowId, second, ids.slice(4, 6), ids.slice(6, 8));
    // Day 1 after the first run: counts there; it is long before the second.
    await event(ids[0] as string, 'visit', new Date(first.getTime() + DAY));
    await event(ids[6] as string, 'visit', new Date(second.getTime() + DAY));
    // Three days after the first run: outside its 2-day window.
    await event(ids[1] as string, 'visit', new Date(first.getTime() + 3 * DAY));
    const all = await read(m.api.v1.flows[':id'].results.$get({ param: { id: flowId }, query: {} }));
    expect(all.body).toMatchObject({ runs: 2, treated: { customers: 4, converted: 1 }, holdout: { customers: 4, converted: 1 }, verdict: 'too_few' });
    expect(all.body.windowEndsAt).toBe(new Date(second.getTime() + 2 * DAY).toISOString());
    const since = new Date(second.getTime() - DAY).toISOString();
    const recent = await read(m.api.v1.flows[':id'].results.$get({ param: { id: flowId }, query: { since } }));
    expect(recent.body).toMatchObject({ runs: 1, treated: { converted: 0 }, holdout: { converted: 1 } });
  });

  it('refuses a range that ends before it starts, a bad group and a forged cursor', async () => {
    const flowId = await flow({ event: 'visit', withinDays: 2 }, 0);
    const runId = await run(flowId, new Date(), await customers(1));
    const range = { since: '2026-02-01', until: '2026-01-01' };
    const bad = await readError(m.api.v1.flows[':id'].results.$get({ param: { id: flowId }, query: range }));
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
    expect((await m.sendRaw('GET', `/v1/runs/${runId}/members?group=everyone`)).status).toBe(400);
    const members = m.api.v1.runs[':id'].members;
    expect((await members.$get({ param: { id: runId }, query: { cursor: 'abc' } })).status).toBe(400);
    expect((await m.api.v1.runs[':id'].results.$get({ param: { id: randomUUID() } })).status).toBe(404);
  });
});

describe('hold-out assignment', () => {
  it('is the same hash in SQL and TypeScript, whatever the run size or order', async () => {
    const flowId = randomUUID();
    const ids = await customers(400);
    const flowRow = await flow({ event: 'visit', withinDays: 7 }, 25);
    const held = async (members: string[]) => {
      const runId = await run(flowRow, new Date(), members);
      await keepBack(h.db, { runId, flowId, triggerNodeId: 'trigger', percent: 25, at: new Date() });
      const rows = await h.db.selectFrom('run_exits').select('customer_id').where('run_id', '=', runId).where('reason', '=', 'holdout').execute();
      return rows.map((r) => r.customer_id).sort();
    };
    const expected = ids.filter((id) => holdoutBucket(flowId, id) < 25).sort();
    expect(await held(ids)).toEqual(expected);
    const reversedHalf = ids.slice(0, 200).reverse();
    expect(await held(reversedHalf)).toEqual(expected.filter((id) => reversedHalf.includes(id)));
    expect(expected.length).toBeGreaterThan(60);
    expect(expected.length).toBeLessThan(140);
    // Another flow splits the same customers differently.
    const other = randomUUID();
    expect(ids.filter((id) => holdoutBucket(other, id) < 25).sort()).not.toEqual(expected);
  });
});

describe('per message step (the canvas of a published flow)', () => {
  it('counts who got each message and how many of them came back in their run window', async () => {
    const flowId = await flow({ event: 'visit', withinDays: 7 }, 0);
    const entered = new Date(Date.now() - 10 * DAY);
    const [a, b, c, d, e] = (await customers(5)) as [string, string, string, string, string];
    const runId = await run(flowId, entered, [a, b, c, d, e]);
    const delivered = (customerId: string, seq: number, status: string, nodeId = 'p') =>
      h.db
        .insertInto('deliveries')
        .values({ run_id: runId, node_id: nodeId, customer_id: customerId, channel: 'push', status: status as 'sent', seq, attempts: 1, updated_at: new Date() })
        .execute();
    await delivered(a, 1, 'sent');
    await delivered(b, 2, 'sent');
    await delivered(c, 3, 'delivered');
    await delivered(d, 4, 'failed'); // never reached them: not "got it"
    await delivered(a, 1, 'sent', 'q');
    await event(a, 'visit', new Date(entered.getTime() + DAY)); // came back
    await event(a, 'visit', new Date(entered.getTime() + 2 * DAY)); // still once
    await event(b, 'visit', new Date(entered.getTime() - DAY)); // before the run: not back
    await event(c, 'visit', new Date(entered.getTime() + 8 * DAY)); // after the window
    await event(d, 'visit', new Date(entered.getTime() + DAY)); // came back, but never got it

    const steps = (since?: string, until?: string) =>
      m.api.v1.flows[':id'].results.steps.$get({ param: { id: flowId }, query: { since, until } });
    const res = await read(steps());
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { nodeId: 'p', got: 3, cameBack: 1 },
      { nodeId: 'q', got: 1, cameBack: 1 },
    ]);
    // Runs entered before the range are left out.
    const old = await read(steps(new Date(Date.now() - 5 * DAY).toISOString()));
    expect(old.body.items).toEqual([]);
    const bad = await steps('2030-01-01', '2029-01-01');
    expect(bad.status).toBe(400);
  });
});

describe('the customer timeline', () => {
  it('says "Came back 2 days after “We miss you”", and for a held-out member that nothing was sent', async () => {
    const flowId = await flow({ event: 'visit', withinDays: 7 }, 10);
    const entered = new Date(Date.now() - 10 * DAY);
    const [treated, held, late] = (await customers(3)) as [string, string, string];
    const runId = await run(flowId, entered, [treated, late], [held]);
    const sentAt = new Date(entered.getTime() + 60_000);
    await h.db
      .insertInto('deliveries')
      .values([treated, late].map((customer_id, i) => ({ run_id: runId, node_id: 'p', customer_id, channel: 'push' as const, status: 'sent' as const, seq: i + 1, attempts: 1, updated_at: sentAt })))
      .execute();
    await event(treated, 'visit', new Date(sentAt.getTime() + 2 * DAY + 3_600_000));
    await event(held, 'visit', new Date(entered.getTime() + 3 * DAY + 3_600_000));
    await event(late, 'visit', new Date(entered.getTime() + 8 * DAY)); // after the 7-day window

    const cameBack = async (customerId: string) => {
      const res = await read(m.api.v1.customers[':id'].timeline.$get({ param: { id: customerId } }));
      expect(res.status).toBe(200);
      return res.body.items.filter((i) => i.runId === runId && i.kind === 'came_back').map((i) => i.title);
    };
    expect(await cameBack(treated)).toEqual(['Came back 2 days after “We miss you”']);
    expect(await cameBack(held)).toEqual([
      'Came back 3 days after entering, without any message: kept back, they show how many come back anyway',
    ]);
    expect(await cameBack(late)).toEqual([]);
  });
});
