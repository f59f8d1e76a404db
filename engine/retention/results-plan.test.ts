/**
 * After the retention job deletes most of a busy merchant's history, the run that is left is
 * a large share of `run_step_members`. Its results must still read only its own members (the
 * key's range, from the index alone), not scan the whole table: the plan that made the
 * `results` bench 1.76× slower after the job than without history.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import { seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { keepBack } from '../results/holdout';
import { loadMeasuredRuns } from '../results/measured-runs';
import { countRun, countRunSql, withoutParallelWorkers } from '../results/outcomes';
import { applyRetention } from './retention';
import { winBackPlan } from '../../test/support/win-back-plan';

const DAY = 86_400_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const CUSTOMERS = 4_000;
/** Members of each history run: 30 runs older than the policy, 30 younger. */
const HISTORY_MEMBERS = 800;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let m: SeededMerchant;
let flowId: string;

const plan = winBackPlan(10);

/** A finished run entered `daysAgo` with `members` of the merchant's customers (from `offset`). */
async function seedRun(daysAgo: number, members: number, offset: number): Promise<string> {
  const id = randomUUID();
  const entered = ago(daysAgo);
  await database.db
    .insertInto('runs')
    .values({
      id,
      merchant_id: m.merchantId,
      flow_id: flowId,
      version: 1,
      workflow_id: `plan-${id}`,
      status: 'completed',
      started_at: entered,
      finished_at: new Date(entered.getTime() + 60_000),
      member_count: members,
    })
    .execute();
  await sql`insert into run_step_members (run_id, node_id, seq, customer_id)
    select ${id}, 'trigger', row_number() over (order by id), id from customers
    where merchant_id = ${m.merchantId} order by id offset ${offset} limit ${members}`.execute(database.db);
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  m = await seedMerchant(db);
  await sql`insert into customers (merchant_id, card_id, name, joined_at)
    select ${m.merchantId}, ${m.cardId}, 'C' || g, ${ago(900)} from generate_series(1, ${CUSTOMERS}) g`.execute(db);
  const flow = await db
    .insertInto('flows')
    .values({ merchant_id: m.merchantId, name: 'Win-back', graph: '{}', status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  flowId = flow.id;
  await db.insertInto('flow_versions').values({ flow_id: flowId, version: 1, graph: '{}', plan: JSON.stringify(plan) }).execute();
});

afterAll(async () => {
  await database?.drop();
});

describe('results after retention', () => {
  it("reads the run's members from the index alone once the job left it a large share of the table", async () => {
    const { db } = database;
    for (let d = 0; d < 30; d++) await seedRun(200 + d, HISTORY_MEMBERS, (d * HISTORY_MEMBERS) % CUSTOMERS);
    const runId = await seedRun(20, CUSTOMERS, 0);
    await keepBack(db, { runId, flowId, triggerNodeId: 'trigger', percent: 10, at: ago(20) });
    for (let d = 0; d < 30; d++) await seedRun(21 + d, HISTORY_MEMBERS, (d * HISTORY_MEMBERS) % CUSTOMERS);
    // Every fifth customer came back in the run's window.
    await sql`insert into events (merchant_id, customer_id, type, at)
      select ${m.merchantId}, id, 'visit', ${ago(18)}
      from (select id, row_number() over (order by id) as n from customers where merchant_id = ${m.merchantId}) c
      where n % 5 = 0`.execute(db);

    const report = await applyRetention(db, { runDays: 180, eventDays: 400 }, now);
    expect(report.runsSummarised).toBe(30);
    // As autovacuum would after the deletes: fresh statistics say the run is a seventh of the table.
    for (const table of ['run_step_members', 'run_exits', 'events']) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
    const share = await sql<{ share: number }>`
      select (count(*) filter (where run_id = ${runId}))::float / count(*) as share from run_step_members`.execute(db);
    expect(share.rows[0]?.share).toBeGreaterThan(0.14);

    const [run] = await loadMeasuredRuns(db, m.merchantId, { runId });
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) ${countRunSql(m.merchantId, run!)}`.execute(db);
    const scans = scansOf(rows[0]?.['QUERY PLAN']).filter((s) => s.relation === 'run_step_members');
    expect(scans).toEqual([{ relation: 'run_step_members', node: 'Index Only Scan', index: 'run_step_members_pk' }]);
    // And it counts what it did before: every fifth member came back, the held-out ones among them.
    const held = await sql<{ held: number; held_converted: number }>`
      select count(*)::int as held, (count(*) filter (where exists (
        select 1 from events e where e.customer_id = x.customer_id)))::int as held_converted
      from run_exits x where x.run_id = ${runId}`.execute(db);
    expect(await countRun(db, m.merchantId, run!)).toEqual({ converted: CUSTOMERS / 5, ...held.rows[0] });
  });

  it('counts without parallel workers, even where the planner would start them', async () => {
    // With a year of history the planner started two workers for a run's count: 150 ms instead
    // of 46 on two cores, the same pages read. Here parallel plans are made free, so it would.
    const [run] = await loadMeasuredRuns(database.db, m.merchantId, { runId: (await latestRun()) });
    const gathers = async (db: typeof database.db) => {
      const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) ${countRunSql(m.merchantId, run!)}`.execute(db);
      return JSON.stringify(rows[0]?.['QUERY PLAN']).includes('"Gather');
    };
    await database.db.transaction().execute(async (tx) => {
      for (const setting of ['parallel_setup_cost', 'parallel_tuple_cost', 'min_parallel_index_scan_size', 'min_parallel_table_scan_size'])
        await sql`select set_config(${setting}, '0', true)`.execute(tx);
      expect(await gathers(tx)).toBe(true);
      expect(await withoutParallelWorkers(tx, gathers)).toBe(false);
      // The caller's transaction gets its setting back.
      expect(await gathers(tx)).toBe(true);
    });
  });
});

async function latestRun(): Promise<string> {
  const run = await database.db.selectFrom('runs').select('id').where('flow_id', '=', flowId).orderBy('started_at', 'desc').executeTakeFirstOrThrow();
  return run.id;
}

interface Scan {
  readonly relation: string;
  readonly node: string;
  readonly index: string | undefined;
}

/** Every scan of a table in an `explain (format json)` plan. */
function scansOf(plan: unknown): Scan[] {
  const scans: Scan[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Relation Name'] === 'string')
      scans.push({ relation: node['Relation Name'], node: String(node['Node Type']), index: node['Index Name'] as string | undefined });
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  const top = (plan as { Plan: Record<string, unknown> }[])[0];
  if (top) walk(top.Plan);
  return scans;
}
