/**
 * A year of a busy merchant's history beside the results bench's run, and what it costs the
 * hot paths: the same paths timed without history, with a year of it, and after the
 * retention job (engine/retention) summarised what is older than its `runDays`.
 *
 * The history: one finished run a day for `days` days of the same win-back flow, each of
 * about MEMBERS / `every` customers (3,000 at the defaults), each member with a sent push in
 * the ledger on the run's day — ~1.1 million `deliveries` and as many `run_step_members`.
 *
 * The hot paths, each sample in a transaction rolled back after the clock stops:
 *   results — `runResults` of the bench run (members, held-out rows, the window's events);
 *   cap     — the frequency cap of a page of 500 customers (`cappedCustomers`, which every
 *             push and email page asks: their sent messages of the last 7 days);
 *   claim   — the ledger's claim of a page of 500 members of the bench run (`claim`: the
 *             insert every sending page starts with, into the `deliveries` indexes).
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { Database } from '../../engine/db/schema';
import { claim } from '../../engine/deliveries/ledger';
import { cappedCustomers } from '../../engine/deliveries/frequency-cap';
import { applyRetention } from '../../engine/retention/retention';
import { runResults } from '../../engine/results/results';
import type { Figure } from '../figures';
import { percentile } from '../stats';

const DAYS = Number(process.env.BENCH_RESULTS_HISTORY_DAYS ?? 365);
const EVERY = Number(process.env.BENCH_RESULTS_HISTORY_EVERY ?? 33);
const SAMPLES = Number(process.env.BENCH_RESULTS_HISTORY_SAMPLES ?? 40);
const WARMUP = 3;
const PAGE = 500;
const RETENTION = { runDays: 180, eventDays: 400 };

export interface HistoryTarget {
  readonly merchantId: string;
  readonly runId: string;
}

type Tx = Transaction<Database>;
type Path = (tx: Tx, i: number) => Promise<unknown>;

export async function historyFigures(db: Db, s: HistoryTarget): Promise<Figure[]> {
  if (DAYS === 0) return [];
  const pages = await memberPages(db, s.runId);
  const paths: Record<string, Path> = {
    results: (tx) => runResults(tx, s.merchantId, s.runId),
    cap: (tx, i) => cappedCustomers(tx, 'push', pages[i % pages.length]!.map((m) => m.customerId), 2),
    claim: (tx, i) => claim(tx, { runId: s.runId, nodeId: 'bench-claim', channel: 'push' }, pages[i % pages.length]!, 'bench'),
  };
  const phases: Record<string, Record<string, number[]>> = {};
  phases.without = await measureAll(db, paths);
  process.stderr.write(`bench: results: seeding ${DAYS} days of history…\n`);
  await seedHistory(db, s);
  const rowsWith = await historyRows(db);
  phases.with_year = await measureAll(db, paths);
  const t0 = performance.now();
  const report = await applyRetention(db, RETENTION);
  const retentionS = (performance.now() - t0) / 1000;
  // As autovacuum would after the deletes.
  for (const table of ['deliveries', 'run_step_members', 'run_exits']) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
  const rowsAfter = await historyRows(db);
  phases.after_retention = await measureAll(db, paths);

  const figures: Figure[] = [
    { name: 'results.history.days', value: DAYS, unit: 'runs' },
    { name: 'results.history.deliveries', value: rowsWith.deliveries, unit: 'rows' },
    { name: 'results.history.deliveries_after_retention', value: rowsAfter.deliveries, unit: 'rows' },
    { name: 'results.history.ledger_mb', value: rowsWith.mb, unit: 'MB' },
    { name: 'results.history.ledger_mb_after_retention', value: rowsAfter.mb, unit: 'MB' },
    { name: 'results.history.runs_summarised', value: report.runsSummarised, unit: 'runs' },
    { name: 'results.history.retention_s', value: retentionS, unit: 's' },
  ];
  for (const path of Object.keys(paths)) {
    const p95 = (phase: string) => percentile(phases[phase]![path]!, 95);
    for (const phase of Object.keys(phases))
      figures.push({ name: `results.history.${path}.${phase}.p95_ms`, value: p95(phase), unit: 'ms' });
    figures.push({ name: `results.history.${path}.year_vs_none`, value: p95('with_year') / p95('without'), unit: 'x' });
    figures.push({ name: `results.history.${path}.retained_vs_none`, value: p95('after_retention') / p95('without'), unit: 'x' });
  }
  return figures;
}

/** The bench run's members in pages of 500, as the ledger takes them. */
async function memberPages(db: Db, runId: string) {
  const members = await db
    .selectFrom('run_step_members')
    .select(['seq', 'customer_id'])
    .where('run_id', '=', runId)
    .orderBy('seq')
    .execute();
  const pages: { seq: number; customerId: string }[][] = [];
  for (let i = 0; i < members.length; i += PAGE)
    pages.push(members.slice(i, i + PAGE).map((m) => ({ seq: m.seq, customerId: m.customer_id })));
  return pages;
}

/** The paths interleaved sample by sample, so a noisy moment hits all of them alike. */
async function measureAll(db: Db, paths: Record<string, Path>): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((p) => [p, []]));
  for (let i = 0; i < SAMPLES + WARMUP; i++)
    for (const [name, work] of Object.entries(paths)) {
      const tx = await db.startTransaction().execute();
      try {
        const t0 = performance.now();
        await work(tx, i);
        if (i >= WARMUP) times[name]!.push(performance.now() - t0);
      } finally {
        await tx.rollback().execute();
      }
    }
  return times;
}

/** A finished run a day of the bench run's flow, each a slice of the merchant's customers with a sent push. */
export async function seedHistory(db: Db, s: HistoryTarget): Promise<void> {
  await sql`insert into runs (id, merchant_id, flow_id, version, workflow_id, status, started_at, finished_at, member_count)
    select gen_random_uuid(), r.merchant_id, r.flow_id, r.version, 'history-' || d, 'completed',
      now() - make_interval(days => d), now() - make_interval(days => d) + interval '1 minute', 0
    from runs r cross join generate_series(1, ${DAYS}) d where r.id = ${s.runId}`.execute(db);
  await sql`with c as (select id, row_number() over (order by id) as n from customers where merchant_id = ${s.merchantId}),
    h as (select id, row_number() over (order by started_at) as d from runs where workflow_id like 'history-%')
    insert into run_step_members (run_id, node_id, seq, customer_id)
    select h.id, 'trigger', row_number() over (partition by h.id order by c.id), c.id
    from h join c on c.n % ${EVERY} = h.d % ${EVERY}`.execute(db);
  await sql`update runs r set member_count = (select count(*) from run_step_members m where m.run_id = r.id)
    where workflow_id like 'history-%'`.execute(db);
  await sql`insert into deliveries (run_id, node_id, customer_id, channel, status, seq, attempts, created_at, updated_at)
    select m.run_id, 'push', m.customer_id, 'push', 'sent', m.seq, 1, r.started_at, r.started_at
    from run_step_members m join runs r on r.id = m.run_id where r.workflow_id like 'history-%'`.execute(db);
  for (const table of ['runs', 'deliveries', 'run_step_members']) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
}

async function historyRows(db: Db): Promise<{ deliveries: number; mb: number }> {
  const { rows } = await sql<{ deliveries: string; bytes: string }>`
    select (select count(*) from deliveries) as deliveries,
      pg_total_relation_size('deliveries') + pg_total_relation_size('run_step_members') as bytes`.execute(db);
  return { deliveries: Number(rows[0]?.deliveries), mb: Number(rows[0]?.bytes) / 2 ** 20 };
}
