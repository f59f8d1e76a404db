/**
 * Retention on the real Postgres server: a run finished long ago is summarised and its
 * per-member rows go, while its results keep answering the same; a recent run keeps every
 * row; old events go and recent ones stay; entries of a customer deleted by hand are swept.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import { seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { keepBack } from '../results/holdout';
import { flowResults, runResults } from '../results/results';
import { stepResults } from '../results/steps';
import { applyRetention } from './retention';
import { summarisedDeliveries } from './summaries';
import { winBackPlan } from '../../test/support/win-back-plan';

const DAY = 86_400_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const policy = { runDays: 180, eventDays: 400 };
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let m: SeededMerchant;
let flowId: string;

const plan = winBackPlan(20);

/** A finished run of 100 customers entered `enteredDaysAgo`: deliveries for the treated, a visit by every third customer two days after. */
async function seedRun(enteredDaysAgo: number): Promise<string> {
  const { db } = database;
  const entered = ago(enteredDaysAgo);
  const runId = randomUUID();
  await db
    .insertInto('runs')
    .values({
      id: runId,
      merchant_id: m.merchantId,
      flow_id: flowId,
      version: 1,
      workflow_id: `retention-${runId}`,
      status: 'completed',
      send_at: null,
      error: null,
      started_at: entered,
      finished_at: new Date(entered.getTime() + 60_000),
      member_count: 100,
    })
    .execute();
  await sql`insert into run_step_members (run_id, node_id, seq, customer_id)
    select ${runId}, 'trigger', row_number() over (order by id), id from customers where merchant_id = ${m.merchantId}`.execute(
    db,
  );
  await keepBack(db, { runId, flowId, triggerNodeId: 'trigger', percent: 20, at: entered });
  await sql`insert into deliveries (run_id, node_id, customer_id, channel, status, seq, attempts, updated_at)
    select ${runId}, 'push', m.customer_id, 'push', 'sent', m.seq, 1, ${entered}
    from run_step_members m where m.run_id = ${runId}
      and not exists (select 1 from run_exits x where x.run_id = m.run_id and x.customer_id = m.customer_id)`.execute(
    db,
  );
  await sql`insert into events (merchant_id, customer_id, type, at)
    select ${m.merchantId}, id, 'visit', ${new Date(entered.getTime() + 2 * DAY)}
    from (select id, row_number() over (order by id) as n from customers where merchant_id = ${m.merchantId}) c
    where n % 3 = 0`.execute(db);
  return runId;
}

const count = async (table: string, runId: string) =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where run_id = ${runId}`.execute(
        database.db,
      )
    ).rows[0]?.n,
  );

beforeAll(async () => {
  database = await createTestDatabase();
  m = await seedMerchant(database.db);
  await sql`insert into customers (merchant_id, card_id, name, joined_at)
    select ${m.merchantId}, ${m.cardId}, 'C' || g, ${ago(900)} from generate_series(1, 100) g`.execute(database.db);
  const flow = await database.db
    .insertInto('flows')
    .values({ merchant_id: m.merchantId, name: 'Win-back', graph: '{}', status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  flowId = flow.id;
  await database.db
    .insertInto('flow_versions')
    .values({ flow_id: flowId, version: 1, graph: '{}', plan: JSON.stringify(plan) })
    .execute();
});

afterAll(async () => {
  await database?.drop();
});

describe('retention', () => {
  it('summarises a run finished long ago: its rows go, its results answer the same', async () => {
    const { db } = database;
    const old = await seedRun(200);
    const recent = await seedRun(20);
    const year = { since: ago(365), until: now };
    const before = {
      old: await runResults(db, m.merchantId, old),
      flow: await flowResults(db, m.merchantId, flowId, year),
    };
    const stepsBefore = await stepResults(db, m.merchantId, flowId, year);
    expect(before.old?.treated.converted).toBeGreaterThan(0);
    const sent = await count('deliveries', old);
    expect(sent).toBeGreaterThan(0);

    const report = await applyRetention(db, policy, now);

    expect(report.runsSummarised).toBe(1);
    for (const table of ['deliveries', 'run_step_members', 'run_exits']) expect(await count(table, old), table).toBe(0);
    expect(await count('run_step_members', recent)).toBe(100);
    expect(await count('deliveries', recent)).toBeGreaterThan(0);
    expect(await runResults(db, m.merchantId, old)).toEqual(before.old);
    expect(await flowResults(db, m.merchantId, flowId, year)).toEqual(before.flow);
    expect(await stepResults(db, m.merchantId, flowId, year)).toEqual(stepsBefore);
    const summary = await db
      .selectFrom('run_summaries')
      .selectAll()
      .where('run_id', '=', old)
      .executeTakeFirstOrThrow();
    expect(summary.deliveries).toEqual([{ nodeId: 'push', channel: 'push', status: 'sent', count: sent }]);
    expect(await summarisedDeliveries(db, [old, recent])).toEqual([
      { run_id: old, node_id: 'push', channel: 'push', status: 'sent', n: sent },
    ]);

    const again = await applyRetention(db, policy, now);
    expect(again.runsSummarised).toBe(0);
  });

  it('deletes events older than the policy keeps and leaves younger ones', async () => {
    const { db } = database;
    const customer = await db
      .selectFrom('customers')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('events')
      .values([
        { merchant_id: m.merchantId, customer_id: customer.id, type: 'visit', at: ago(401), client_id: 'old-visit' },
        { merchant_id: m.merchantId, customer_id: customer.id, type: 'visit', at: ago(399), client_id: 'kept-visit' },
      ])
      .execute();
    const report = await applyRetention(db, { ...policy, rowsPerStatement: 1 }, now);
    expect(report.eventsDeleted).toBe(1);
    const left = await db
      .selectFrom('events')
      .select('client_id')
      .where('client_id', 'in', ['old-visit', 'kept-visit'])
      .execute();
    expect(left.map((e) => e.client_id)).toEqual(['kept-visit']);
  });

  it('sweeps the entries of a customer deleted by hand, and keeps everyone else’s', async () => {
    const { db } = database;
    const [gone, kept] = await db
      .selectFrom('customers')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .limit(2)
      .execute();
    await db
      .insertInto('flow_entries')
      .values(
        [gone!, kept!].map((c) => ({
          flow_id: flowId,
          customer_id: c.id,
          entry_key: 'birthday:2026',
          merchant_id: m.merchantId,
          version: 1,
        })),
      )
      .execute();
    for (const table of ['run_step_members', 'run_exits', 'deliveries', 'events'])
      await sql`delete from ${sql.table(table)} where customer_id = ${gone!.id}`.execute(db);
    await db.deleteFrom('customers').where('id', '=', gone!.id).execute();
    const report = await applyRetention(db, policy, now);
    expect(report.entriesSwept).toBe(1);
    const left = await db.selectFrom('flow_entries').select('customer_id').where('flow_id', '=', flowId).execute();
    expect(left.map((e) => e.customer_id)).toEqual([kept!.id]);
  });

  it('refuses a policy that would delete events before the runs counting them are summarised', async () => {
    await expect(applyRetention(database.db, { runDays: 180, eventDays: 200 }, now)).rejects.toThrow(
      /at least 90 days longer/,
    );
  });
});
