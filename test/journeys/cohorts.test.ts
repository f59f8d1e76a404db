/**
 * Who a daily cohort enters, on a real database with the clock set by hand: `enterCohort`
 * takes `now`, so leap days, lapses and expiry days are checked on the dates that matter.
 * Entries are keyed (a birthday year, the visit a lapse started from, a voucher), so
 * whatever fires twice enters nobody twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterCohort } from '../../engine/audience/cohorts';
import type { Db } from '../../engine/db/database';
import type { NewCustomer } from '../../engine/db/schema';
import type { PlanTrigger } from '../../engine/compiler/plan';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedMerchant, type SeededMerchant } from '../support/seed';
import { ZONE } from './clock';

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(() => database?.drop());

type CustomerFields = Partial<Pick<NewCustomer, 'birthday_month' | 'birthday_day' | 'joined_at' | 'last_visit_at'>>;

/** Customers by name. */
async function customers(m: SeededMerchant, rows: Record<string, CustomerFields>): Promise<Map<string, string>> {
  const written = await db
    .insertInto('customers')
    .values(Object.entries(rows).map(([name, fields]) => ({ merchant_id: m.merchantId, card_id: m.cardId, name, email_consent: false, stamps: 0, joined_at: '2025-01-01T00:00:00Z', ...fields })))
    .returning(['id', 'name'])
    .execute();
  return new Map(written.map((c) => [c.name, c.id]));
}

/** A published flow with this trigger; answers its id. */
async function flow(m: SeededMerchant, trigger: PlanTrigger): Promise<string> {
  const plan = { planVersion: 1, triggerNodeId: 'trigger', trigger, entry: [], steps: {} };
  const { id } = await db
    .insertInto('flows')
    .values({ merchant_id: m.merchantId, name: `${trigger.kind} flow`, graph: JSON.stringify({ nodes: [], edges: [] }), status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('flow_versions').values({ flow_id: id, version: 1, graph: '{}', plan: JSON.stringify(plan) }).execute();
  return id;
}

/** A new run of the flow enters its cohort at `now`; answers who entered, by name, with their keys. */
async function fire(m: SeededMerchant, flowId: string, trigger: PlanTrigger, now: string): Promise<Record<string, string>> {
  const runId = randomUUID();
  await db
    .insertInto('runs')
    .values({ id: runId, merchant_id: m.merchantId, flow_id: flowId, version: 1, workflow_id: `run-${runId}`, status: 'running', send_at: null })
    .execute();
  await db.transaction().execute((tx) =>
    enterCohort(tx, { runId, merchantId: m.merchantId, flowId, version: 1, timeZone: ZONE }, trigger, new Date(now)),
  );
  const entered = await db
    .selectFrom('flow_entries as e')
    .innerJoin('customers as c', 'c.id', 'e.customer_id')
    .select(['c.name', 'e.entry_key'])
    .where('e.run_id', '=', runId)
    .orderBy('c.name')
    .execute();
  return Object.fromEntries(entered.map((e) => [e.name, e.entry_key]));
}

describe('birthday cohorts', () => {
  const birthday: PlanTrigger = { kind: 'birthday', daysBefore: 0, at: '10:00' };
  let m: SeededMerchant;
  beforeAll(async () => {
    m = await seedMerchant(db, 'Birthday Café');
    await customers(m, {
      'Feb 27': { birthday_month: 2, birthday_day: 27 },
      'Feb 28': { birthday_month: 2, birthday_day: 28 },
      'Feb 29': { birthday_month: 2, birthday_day: 29 },
      'Mar 1': { birthday_month: 3, birthday_day: 1 },
      'No birthday': {},
    });
  });

  it('celebrates 29 February on 28 February in a year without one, and on the day in a leap year', async () => {
    const flowId = await flow(m, birthday);
    expect(await fire(m, flowId, birthday, '2026-02-28T10:00:00+01:00')).toEqual({ 'Feb 28': 'birthday:2026', 'Feb 29': 'birthday:2026' });
    expect(await fire(m, flowId, birthday, '2028-02-28T10:00:00+01:00')).toEqual({ 'Feb 28': 'birthday:2028' });
    expect(await fire(m, flowId, birthday, '2028-02-29T10:00:00+01:00')).toEqual({ 'Feb 29': 'birthday:2028' });
    expect(await fire(m, flowId, birthday, '2028-03-01T10:00:00+01:00')).toEqual({ 'Mar 1': 'birthday:2028' });
  });

  it('enters each customer once a year, however often the cohort fires', async () => {
    const flowId = await flow(m, birthday);
    expect(Object.keys(await fire(m, flowId, birthday, '2026-02-28T10:00:00+01:00'))).toEqual(['Feb 28', 'Feb 29']);
    expect(await fire(m, flowId, birthday, '2026-02-28T10:00:00+01:00')).toEqual({});
    expect(await fire(m, flowId, birthday, '2026-02-28T23:59:00+01:00')).toEqual({}); // a catch-up later that day
    expect(Object.keys(await fire(m, flowId, birthday, '2027-02-28T10:00:00+01:00'))).toEqual(['Feb 28', 'Feb 29']);
  });

  it('counts days before the birthday on the merchant calendar, not in UTC', async () => {
    const flowId = await flow(m, { kind: 'birthday', daysBefore: 2, at: '00:30' });
    // 00:30 on 26 February in Berlin is still the 25th in UTC: two days ahead is the 28th.
    const entered = await fire(m, flowId, { kind: 'birthday', daysBefore: 2, at: '00:30' }, '2026-02-26T00:30:00+01:00');
    expect(entered).toEqual({ 'Feb 28': 'birthday:2026', 'Feb 29': 'birthday:2026' });
  });
});

describe('win-back cohorts', () => {
  const inactive: PlanTrigger = { kind: 'inactive', days: 30, at: '10:00' };
  let m: SeededMerchant;
  beforeAll(async () => {
    m = await seedMerchant(db, 'Win-back Café');
  });

  it('enters a lapse once; a new visit and a new lapse enter again', async () => {
    const ids = await customers(m, {
      Lapsed: { joined_at: '2025-06-01T10:00:00Z', last_visit_at: '2026-02-01T12:00:00Z' },
      Recent: { joined_at: '2025-06-01T10:00:00Z', last_visit_at: '2026-03-01T12:00:00Z' },
      'Never visited': { joined_at: '2026-01-02T08:00:00Z' },
      'New customer': { joined_at: '2026-03-05T08:00:00Z' },
    });
    const flowId = await flow(m, inactive);
    expect(await fire(m, flowId, inactive, '2026-03-10T10:00:00+01:00')).toEqual({
      Lapsed: 'inactive:2026-02-01T12:00:00.000000',
      'Never visited': 'inactive:2026-01-02T08:00:00.000000', // counted from joining
    });
    expect(await fire(m, flowId, inactive, '2026-03-11T10:00:00+01:00')).toEqual({}); // the same lapses
    await db.updateTable('customers').set({ last_visit_at: '2026-03-12T09:00:00Z' }).where('id', '=', ids.get('Lapsed') ?? '').execute();
    expect(await fire(m, flowId, inactive, '2026-04-02T10:00:00+02:00')).toEqual({ Recent: 'inactive:2026-03-01T12:00:00.000000' });
    expect(await fire(m, flowId, inactive, '2026-04-12T10:00:00+02:00')).toEqual({
      Lapsed: 'inactive:2026-03-12T09:00:00.000000', // lapsed again since the new visit
      'New customer': 'inactive:2026-03-05T08:00:00.000000',
    });
    const lapses = await db.selectFrom('flow_entries').select('entry_key').where('flow_id', '=', flowId).where('customer_id', '=', ids.get('Lapsed') ?? '').execute();
    expect(lapses).toHaveLength(2);
  });

  it('enters a lapse once when two runs of the flow enter at the same moment, and neither fails', async () => {
    const lapsed = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`Lapsed ${i}`, { joined_at: '2025-06-01T10:00:00Z', last_visit_at: '2026-02-01T12:00:00Z' }]),
    );
    const other = await seedMerchant(db, 'Busy Win-back Café');
    await customers(other, lapsed);
    const flowId = await flow(other, inactive);
    const now = new Date('2026-03-10T10:00:00+01:00');
    const runIds = [randomUUID(), randomUUID()];
    for (const runId of runIds)
      await db
        .insertInto('runs')
        .values({ id: runId, merchant_id: other.merchantId, flow_id: flowId, version: 1, workflow_id: `run-${runId}`, status: 'running', send_at: null })
        .execute();
    // Both transactions hold their insert open until the other has started its own.
    const enter = (runId: string) =>
      db.transaction().execute(async (tx) => {
        await enterCohort(tx, { runId, merchantId: other.merchantId, flowId, version: 1, timeZone: ZONE }, inactive, now);
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
    const outcomes = await Promise.allSettled(runIds.map(enter));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    const entries = await db.selectFrom('flow_entries').select(['customer_id', 'run_id']).where('flow_id', '=', flowId).execute();
    expect(entries).toHaveLength(200);
    expect(new Set(entries.map((e) => e.customer_id)).size).toBe(200);
  });
});

describe('expiring voucher cohorts', () => {
  let m: SeededMerchant;
  let owners: Map<string, string>;
  const vouchers = new Map<string, string>();
  beforeAll(async () => {
    m = await seedMerchant(db, 'Voucher Café');
    owners = await customers(m, { Ada: {}, Ben: {}, Cem: {}, Dan: {}, Eve: {} });
    const issue = async (name: string, expiresAt: string, redeemedAt: string | null = null) => {
      const { id } = await db
        .insertInto('vouchers')
        .values({ merchant_id: m.merchantId, customer_id: owners.get(name) ?? '', code: `SF-${name.toUpperCase()}-0001`, title: 'Cake', expires_at: expiresAt, redeemed_at: redeemedAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      vouchers.set(name, id);
    };
    // 13 March 2026 in Berlin runs from 12 March 23:00 UTC to 13 March 23:00 UTC.
    await issue('Ada', '2026-03-13T00:30:00+01:00'); // already the 13th locally, the 12th in UTC
    await issue('Ben', '2026-03-13T23:59:00+01:00');
    await issue('Cem', '2026-03-14T00:00:00+01:00'); // the 14th
    await issue('Dan', '2026-03-12T23:59:00+01:00'); // the 12th
    await issue('Eve', '2026-03-13T12:00:00+01:00', '2026-03-09T15:00:00Z'); // redeemed
  });

  it('enters an unredeemed voucher expiring on the local day `daysBefore` ahead, once', async () => {
    const trigger: PlanTrigger = { kind: 'event', event: 'voucher_expiring', daysBefore: 3, at: '10:00' };
    const flowId = await flow(m, trigger);
    expect(await fire(m, flowId, trigger, '2026-03-10T10:00:00+01:00')).toEqual({
      Ada: `voucher_expiring:${vouchers.get('Ada')}`,
      Ben: `voucher_expiring:${vouchers.get('Ben')}`,
    });
    expect(await fire(m, flowId, trigger, '2026-03-10T10:00:00+01:00')).toEqual({});
    expect(Object.keys(await fire(m, flowId, trigger, '2026-03-11T10:00:00+01:00'))).toEqual(['Cem']);
  });

  it('counts the days ahead from the local date of the check', async () => {
    const trigger: PlanTrigger = { kind: 'event', event: 'voucher_expiring', daysBefore: 2, at: '00:30' };
    const flowId = await flow(m, trigger);
    // 00:30 on 11 March in Berlin is still the 10th in UTC: two days ahead is the 13th.
    expect(Object.keys(await fire(m, flowId, trigger, '2026-03-11T00:30:00+01:00'))).toEqual(['Ada', 'Ben']);
  });

  it('does not remind of a voucher that expired earlier on the day of the check', async () => {
    const trigger: PlanTrigger = { kind: 'event', event: 'voucher_expiring', daysBefore: 0, at: '08:00' };
    const flowId = await flow(m, trigger);
    // Ada's voucher ran out at 00:30: it can no longer be redeemed, so it is not "expiring".
    expect(Object.keys(await fire(m, flowId, trigger, '2026-03-13T08:00:00+01:00'))).toEqual(['Ben']);
  });

  it('never reminds of a redeemed voucher', async () => {
    for (const daysBefore of [0, 1, 2, 3, 4]) {
      const trigger: PlanTrigger = { kind: 'event', event: 'voucher_expiring', daysBefore, at: '10:00' };
      const flowId = await flow(m, trigger);
      for (const now of ['2026-03-09T16:00:00+01:00', '2026-03-10T10:00:00+01:00', '2026-03-13T08:00:00+01:00']) {
        expect(Object.keys(await fire(m, flowId, trigger, now))).not.toContain('Eve');
      }
    }
  });
});
