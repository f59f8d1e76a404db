/**
 * results: `GET /v1/runs/:id/results`' computation (`runResults`, the product's own function)
 * for one run of 100,000 members (10% kept back by the stable hash, `keepBack`), entered 30
 * days ago with a 7-day visit goal, while its merchant has 1,000,000 visit events spread over
 * the past year across those customers (about 2% of them in the run's window), vacuumed. Figures:
 * p50/p95 ms (target p95 ≤ 100 ms) and the members, events and conversions measured. The
 * counts are one statement per run (`countOutcomes`): the window's goal customers hashed from
 * `events_merchant_type_at` alone, each member and held-out row probed once.
 *
 * History (bench/support/history.ts): the run's hot paths without history, beside a seeded
 * year of the merchant's daily runs and their deliveries, and after the retention job ran
 * (`BENCH_RESULTS_HISTORY_DAYS=0` leaves it out).
 *
 * Baseline (full scan): the same call on a dedicated connection, with the events indexes
 * (`events_merchant_type_at`, `events_customer`) dropped inside each sample's transaction and
 * restored by its rollback outside the clock, so Postgres must scan the events table.
 */
import { sql } from 'kysely';
import { openDatabase, type Db } from '../engine/db/database';
import { keepBack } from '../engine/results/holdout';
import { runResults } from '../engine/results/results';
import { createTestDatabase } from '../test/support/database';
import type { Figure } from './figures';
import { historyFigures } from './support/history';
import { percentile } from './stats';
import { winBackPlan } from '../test/support/win-back-plan';

const MEMBERS = Number(process.env.BENCH_RESULTS_MEMBERS ?? 100_000);
const EVENTS = Number(process.env.BENCH_RESULTS_EVENTS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_RESULTS_SAMPLES ?? 60);
const BASELINE_SAMPLES = Number(process.env.BENCH_RESULTS_BASELINE_SAMPLES ?? 8);
const WARMUP = 3;
const DAY_MS = 86_400_000;

interface Seeded {
  readonly merchantId: string;
  readonly runId: string;
}

export async function seed(db: Db): Promise<Seeded> {
  const merchant = await db.insertInto('merchants').values({ name: 'Bench Café', timezone: 'Europe/Berlin' }).returning('id').executeTakeFirstOrThrow();
  const card = await db
    .insertInto('cards')
    .values({ merchant_id: merchant.id, name: 'Coffee card', stamps_required: 10, reward: 'Free coffee' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into customers (merchant_id, card_id, name, email_consent, stamps, joined_at)
    select ${merchant.id}, ${card.id}, 'Customer ' || g, false, 0, now() - interval '400 days'
    from generate_series(1, ${MEMBERS}) g`.execute(db);
  const plan = winBackPlan(10);
  const flow = await db.insertInto('flows').values({ merchant_id: merchant.id, name: 'Win-back', graph: '{}', status: 'active' }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('flow_versions').values({ flow_id: flow.id, version: 1, graph: '{}', plan: JSON.stringify(plan) }).execute();
  const entered = new Date(Date.now() - 30 * DAY_MS);
  const run = await db
    .insertInto('runs')
    .values({ merchant_id: merchant.id, flow_id: flow.id, version: 1, workflow_id: 'bench-results', status: 'completed', started_at: entered, member_count: MEMBERS })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into run_step_members (run_id, node_id, seq, customer_id)
    select ${run.id}, 'trigger', row_number() over (order by id), id from customers where merchant_id = ${merchant.id}`.execute(db);
  await keepBack(db, { runId: run.id, flowId: flow.id, triggerNodeId: 'trigger', percent: 10, at: entered });
  // Visits at random times of the past year, by random customers of the merchant.
  await sql`with c as (select id, row_number() over (order by id) as n from customers where merchant_id = ${merchant.id})
    insert into events (merchant_id, customer_id, type, at)
    select ${merchant.id}, c.id, 'visit', now() - make_interval(secs => (random() * 365 * 86400)::int)
    from generate_series(1, ${EVENTS}) g join c on c.n = 1 + (hashint4(g) & 2147483647) % ${MEMBERS}`.execute(db);
  // As autovacuum would have for a year of events: the window's events are read from the
  // index alone once the visibility map is set.
  for (const table of ['events', 'run_step_members', 'run_exits', 'customers']) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
  return { merchantId: merchant.id, runId: run.id };
}

async function sample(db: Db, s: Seeded, n: number, dropIndexes: boolean): Promise<{ times: number[]; converted: number }> {
  const times: number[] = [];
  let converted = 0;
  for (let i = 0; i < n + WARMUP; i++) {
    const tx = await db.startTransaction().execute();
    try {
      if (dropIndexes) await sql`drop index events_merchant_type_at, events_customer`.execute(tx);
      const t0 = performance.now();
      const r = await runResults(tx, s.merchantId, s.runId);
      times.push(performance.now() - t0);
      converted = (r?.treated.converted ?? 0) + (r?.holdout?.converted ?? 0);
    } finally {
      await tx.rollback().execute();
    }
  }
  return { times: times.slice(WARMUP), converted };
}

export async function run(): Promise<Figure[]> {
  const database = await createTestDatabase();
  const dedicated = await openDatabase({ url: database.url, poolSize: 1 });
  try {
    process.stderr.write(`bench: results: seeding ${MEMBERS} members and ${EVENTS} visits…\n`);
    const seeded = await seed(database.db);
    const indexed = await sample(database.db, seeded, SAMPLES, false);
    const scanned = await sample(dedicated, seeded, BASELINE_SAMPLES, true);
    if (scanned.converted !== indexed.converted) throw new Error(`baseline counted ${scanned.converted}, results ${indexed.converted}`);
    const history = await historyFigures(database.db, seeded);
    return [
      { name: 'results.members', value: MEMBERS, unit: 'members' },
      { name: 'results.events', value: EVENTS, unit: 'events' },
      { name: 'results.converted', value: indexed.converted, unit: 'members' },
      { name: 'results.p50_ms', value: percentile(indexed.times, 50), unit: 'ms' },
      { name: 'results.p95_ms', value: percentile(indexed.times, 95), unit: 'ms' },
      { name: 'results.full_scan.p50_ms', value: percentile(scanned.times, 50), unit: 'ms' },
      { name: 'results.full_scan.p95_ms', value: percentile(scanned.times, 95), unit: 'ms' },
      { name: 'results.full_scan.x_p50', value: percentile(scanned.times, 50) / percentile(indexed.times, 50), unit: 'x' },
      ...history,
    ];
  } finally {
    await dedicated.destroy();
    await database.drop();
  }
}
