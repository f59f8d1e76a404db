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
 *
 * Beside the times, which a shared machine makes noisy, figures that load does not move: the
 * shared buffers the run's count statement (`countRunSql`) and a page's frequency cap
 * (`cappedAmong`) touch in each phase, from EXPLAIN (ANALYZE, BUFFERS), with how each read
 * its table on stderr. And the job's own cost: it runs pass by pass (`maxPasses: 1`, up to
 * `runsPerPass` runs each, a transaction per run), so the longest pass bounds how long any
 * of its transactions held its locks.
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { Database } from '../../engine/db/schema';
import { claim } from '../../engine/deliveries/ledger';
import { cappedAmong, cappedCustomers } from '../../engine/deliveries/frequency-cap';
import { applyRetention, type RetentionReport } from '../../engine/retention/retention';
import { loadMeasuredRuns } from '../../engine/results/measured-runs';
import { countRunSql } from '../../engine/results/outcomes';
import { runResults } from '../../engine/results/results';
import type { Figure } from '../figures';
import { percentile } from '../stats';

const DAYS = Number(process.env.BENCH_RESULTS_HISTORY_DAYS ?? 365);
const EVERY = Number(process.env.BENCH_RESULTS_HISTORY_EVERY ?? 33);
const SAMPLES = Number(process.env.BENCH_RESULTS_HISTORY_SAMPLES ?? 40);
const WARMUP = 3;
const PAGE = 500;
const RETENTION = { runDays: 180, eventDays: 400, runsPerPass: 10 };

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
  const buffers: Record<string, Record<string, number>> = {};
  const firstPage = pages[0]!.map((m) => m.customerId);
  phases.without = await measureAll(db, paths);
  buffers.without = await hotBuffers(db, s, firstPage, 'without');
  process.stderr.write(`bench: results: seeding ${DAYS} days of history…\n`);
  await seedHistory(db, s);
  const rowsWith = await historyRows(db);
  phases.with_year = await measureAll(db, paths);
  buffers.with_year = await hotBuffers(db, s, firstPage, 'with_year');
  const job = await retentionPasses(db);
  // As autovacuum would after the deletes.
  for (const table of ['deliveries', 'run_step_members', 'run_exits']) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
  const rowsAfter = await historyRows(db);
  phases.after_retention = await measureAll(db, paths);
  buffers.after_retention = await hotBuffers(db, s, firstPage, 'after_retention');

  const figures: Figure[] = [
    { name: 'results.history.days', value: DAYS, unit: 'runs' },
    { name: 'results.history.deliveries', value: rowsWith.deliveries, unit: 'rows' },
    { name: 'results.history.deliveries_after_retention', value: rowsAfter.deliveries, unit: 'rows' },
    { name: 'results.history.ledger_mb', value: rowsWith.mb, unit: 'MB' },
    { name: 'results.history.ledger_mb_after_retention', value: rowsAfter.mb, unit: 'MB' },
    { name: 'results.history.runs_summarised', value: job.report.runsSummarised, unit: 'runs' },
    { name: 'results.history.member_rows_deleted', value: job.report.memberRowsDeleted, unit: 'rows' },
    { name: 'results.history.retention_s', value: job.seconds, unit: 's' },
    { name: 'results.history.retention_passes', value: job.passes, unit: 'passes' },
    { name: 'results.history.retention_max_pass_ms', value: job.maxPassMs, unit: 'ms' },
  ];
  for (const path of ['results', 'cap']) {
    for (const phase of Object.keys(buffers))
      figures.push({ name: `results.history.${path}.${phase}.buffers`, value: buffers[phase]![path]!, unit: 'buffers' });
    const after = buffers.after_retention![path]!;
    figures.push({ name: `results.history.${path}.buffers_retained_vs_none`, value: after / buffers.without![path]!, unit: 'x' });
    // Without history the ledger holds only that phase's rolled-back claims (the cap scans
    // past them): for the cap, the year is the baseline that shows what the job changed.
    figures.push({ name: `results.history.${path}.buffers_retained_vs_year`, value: after / buffers.with_year![path]!, unit: 'x' });
  }
  for (const path of Object.keys(paths)) {
    const p95 = (phase: string) => percentile(phases[phase]![path]!, 95);
    for (const phase of Object.keys(phases))
      figures.push({ name: `results.history.${path}.${phase}.p95_ms`, value: p95(phase), unit: 'ms' });
    figures.push({ name: `results.history.${path}.year_vs_none`, value: p95('with_year') / p95('without'), unit: 'x' });
    figures.push({ name: `results.history.${path}.retained_vs_none`, value: p95('after_retention') / p95('without'), unit: 'x' });
    // The first phase runs slower on a busy machine (every path, even on an empty ledger), so
    // the job's own effect is clearest against the year it trimmed.
    figures.push({ name: `results.history.${path}.retained_vs_year`, value: p95('after_retention') / p95('with_year'), unit: 'x' });
  }
  return figures;
}

/**
 * The retention job as the worker's timer runs it, one pass (`runsPerPass` runs, each its
 * own transaction) at a time until a pass summarises nothing: total and longest pass.
 */
async function retentionPasses(db: Db): Promise<{ report: RetentionReport; seconds: number; passes: number; maxPassMs: number }> {
  const report = { runsSummarised: 0, memberRowsDeleted: 0, deliveriesDeleted: 0, eventsDeleted: 0, entriesSwept: 0 };
  let passes = 0;
  let maxPassMs = 0;
  const t0 = performance.now();
  for (;;) {
    const t = performance.now();
    const pass = await applyRetention(db, { ...RETENTION, maxPasses: 1 });
    maxPassMs = Math.max(maxPassMs, performance.now() - t);
    passes++;
    for (const key of Object.keys(report) as (keyof RetentionReport)[]) report[key] += pass[key];
    if (pass.runsSummarised === 0) break;
  }
  return { report, seconds: (performance.now() - t0) / 1000, passes, maxPassMs };
}

/**
 * Shared buffers (hit + read) of two hot statements, from EXPLAIN (ANALYZE, BUFFERS): the
 * work, whatever the machine's load. `results`: the bench run's count (`countRunSql`);
 * `cap`: the frequency cap of the first page of 500 members (`cappedAmong`, the statement
 * a page caps in place with). Stderr: how each read its table.
 */
async function hotBuffers(db: Db, s: HistoryTarget, page: readonly string[], phase: string): Promise<Record<string, number>> {
  const [run] = await loadMeasuredRuns(db, s.merchantId, { runId: s.runId });
  if (!run) throw new Error('bench run not found');
  const statements = {
    results: { table: 'run_step_members', sql: countRunSql(s.merchantId, run) },
    cap: { table: 'deliveries', sql: cappedAmong('push', sql`select unnest(${[...page]}::uuid[])`, 2) },
  };
  const out: Record<string, number> = {};
  for (const [name, statement] of Object.entries(statements)) {
    const { rows } = await sql<{ 'QUERY PLAN': PlanNode[] }>`explain (analyze, buffers, format json) ${statement.sql}`.execute(db);
    const top = rows[0]?.['QUERY PLAN'][0]?.Plan;
    if (!top) throw new Error('no plan');
    const scans: string[] = [];
    const walk = (node: PlanNode) => {
      if (node['Relation Name'] === statement.table) scans.push(`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}`);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(top);
    out[name] = (top['Shared Hit Blocks'] ?? 0) + (top['Shared Read Blocks'] ?? 0);
    process.stderr.write(`bench: results: ${phase}: ${name} statement ${out[name]} buffers, ${statement.table} by ${scans.join(', ')}\n`);
  }
  return out;
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Shared Hit Blocks'?: number;
  readonly 'Shared Read Blocks'?: number;
  readonly Plans?: PlanNode[];
  readonly Plan?: PlanNode;
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
