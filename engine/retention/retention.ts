/**
 * Retention: how long history stays, so that a year of a busy merchant's runs does not make
 * today's work slower or the database grow without end.
 *
 * - A run that finished `runDays` ago (and whose results window has ended) is
 *   **summarised**: its result's counts, its steps' counts ("312 got it · 41 came back") and
 *   its delivery counts per step, channel and status are frozen into `run_summaries`, then
 *   its per-member rows go: `run_step_members`, `run_exits`, `run_waits` and its
 *   ledger rows in `deliveries` (its step pages stay: a few rows that count who entered each
 *   step). The run page and lists read the frozen delivery counts (`summaries.ts`). Its results (run, flow and step results) keep
 *   answering from the summary; what becomes unavailable is per customer: the list of its
 *   members, who got which message, a customer's timeline entries of that run, the
 *   inspector's per-customer view. `flow_entries` stay (they are what keeps anyone from
 *   entering twice) and so do vouchers (the customer's).
 * - Events older than `eventDays` are deleted (a customer's timeline shows what is younger;
 *   an event id is remembered as long as its event, so a client repeating an id older than
 *   that records it anew). `eventDays` must exceed `runDays` plus the longest goal window, so
 *   a run is summarised before the events it counts go.
 * - Entries left without their customer or flow (deleted by hand: Stampflow deletes
 *   neither) are swept.
 *
 * Work is done in slices (a run per transaction, `rowsPerStatement` events or entries per
 * delete) so that no statement holds locks for long; {@link applyRetention} repeats until nothing is left or
 * `maxPasses` is reached, and is safe to run from several processes at once (each run is
 * summarised under a row lock taken with SKIP LOCKED).
 *
 * The job leaves vacuuming and analyzing the tables to autovacuum (half of a table deleted is
 * far over its thresholds). What runs often reads by range whatever the statistics then say: a
 * run's results its members' key range from the index alone (migration 021), the frequency
 * cap each customer's recent ledger rows, the claim inserts. The `results` bench measures
 * them with a year of history and after the job, in time and in buffers.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { loadMeasuredRuns } from '../results/measured-runs';
import { countRun } from '../results/outcomes';
import { runSteps } from '../results/steps';

/** A pass that changed nothing: where each report's counts start. */
const NOTHING_DONE: RetentionReport = {
  runsSummarised: 0,
  memberRowsDeleted: 0,
  deliveriesDeleted: 0,
  eventsDeleted: 0,
  entriesSwept: 0,
};

export interface RetentionPolicy {
  /** Days after a run finished before it is summarised. */
  readonly runDays: number;
  /** Days an event is kept. */
  readonly eventDays: number;
  readonly runsPerPass?: number;
  readonly rowsPerStatement?: number;
  readonly maxPasses?: number;
}

export interface RetentionReport {
  readonly runsSummarised: number;
  readonly memberRowsDeleted: number;
  readonly deliveriesDeleted: number;
  readonly eventsDeleted: number;
  readonly entriesSwept: number;
}

/** The longest goal window a flow can set (`withinDays`), so events outlive every window. */
export const LONGEST_GOAL_DAYS = 90;
const DAY_MS = 86_400_000;

/** Applies the policy once (in slices); returns what it did. */
export async function applyRetention(db: Db, policy: RetentionPolicy, now = new Date()): Promise<RetentionReport> {
  if (policy.eventDays < policy.runDays + LONGEST_GOAL_DAYS)
    throw new Error(
      `events must be kept at least ${LONGEST_GOAL_DAYS} days longer than runs (${policy.eventDays} < ${policy.runDays} + ${LONGEST_GOAL_DAYS})`,
    );
  const rows = policy.rowsPerStatement ?? 5_000;
  const passes = policy.maxPasses ?? 1_000;
  let report = NOTHING_DONE;
  const runCutoff = new Date(now.getTime() - policy.runDays * DAY_MS);
  for (let i = 0; i < passes; i++) {
    const done = await summariseOldRuns(db, runCutoff, now, policy.runsPerPass ?? 10);
    report = add(report, done);
    if (done.runsSummarised === 0) break;
  }
  const eventCutoff = new Date(now.getTime() - policy.eventDays * DAY_MS);
  const merchants = await db.selectFrom('merchants').select('id').execute();
  for (const m of merchants)
    for (let i = 0; i < passes; i++) {
      const deleted = await deleteSlice(
        db,
        sql`select ctid from events where merchant_id = ${m.id} and at < ${eventCutoff} limit ${rows}`,
        'events',
      );
      report = { ...report, eventsDeleted: report.eventsDeleted + deleted };
      if (deleted < rows) break;
    }
  for (let i = 0; i < passes; i++) {
    const swept = await deleteSlice(
      db,
      sql`select e.ctid from flow_entries e
        where not exists (select 1 from customers c where c.id = e.customer_id)
           or not exists (select 1 from flows f where f.id = e.flow_id)
        limit ${rows}`,
      'flow_entries',
    );
    report = { ...report, entriesSwept: report.entriesSwept + swept };
    if (swept < rows) break;
  }
  return report;
}

/** Summarises up to `limit` runs that finished before `cutoff`, each in its own transaction. */
async function summariseOldRuns(db: Db, cutoff: Date, now: Date, limit: number): Promise<RetentionReport> {
  const due = await sql<{ id: string; merchant_id: string }>`
    select r.id, r.merchant_id from runs r
    where r.finished_at is not null and r.finished_at < ${cutoff}
      and not exists (select 1 from run_summaries s where s.run_id = r.id)
    order by r.finished_at limit ${limit}`.execute(db);
  let report = NOTHING_DONE;
  for (const r of due.rows) {
    const done = await db.transaction().execute(async (tx) => {
      const locked = await sql`select 1 from runs where id = ${r.id} for update skip locked`.execute(tx);
      if (locked.rows.length === 0) return undefined;
      const taken = await tx.selectFrom('run_summaries').select('run_id').where('run_id', '=', r.id).executeTakeFirst();
      if (taken) return undefined;
      const [run] = await loadMeasuredRuns(tx, r.merchant_id, { runId: r.id });
      // A run whose results window has not ended yet is left for a later pass.
      if (run && run.windowEndsAt.getTime() > now.getTime()) return undefined;
      const counts = run?.started
        ? await countRun(tx, r.merchant_id, run)
        : { held: 0, converted: 0, held_converted: 0 };
      const steps = run?.started ? await runSteps(tx, r.merchant_id, run) : [];
      const { rows: deliveries } = await sql<{ nodeId: string; channel: string; status: string; count: number }>`
        select node_id as "nodeId", channel, status, count(*)::int as count from deliveries
        where run_id = ${r.id} group by node_id, channel, status order by 1, 2, 3`.execute(tx);
      await tx
        .insertInto('run_summaries')
        .values({
          run_id: r.id,
          merchant_id: r.merchant_id,
          ...counts,
          steps: JSON.stringify(steps.map((s) => ({ nodeId: s.node_id, got: s.got, cameBack: s.came_back }))),
          deliveries: JSON.stringify(deliveries),
        })
        .execute();
      // In the same transaction: results read the summary exactly when the rows are gone.
      // Nobody else writes a finished run's rows, so the locks taken here block no one.
      return dropMemberRows(tx, r.id);
    });
    if (done) report = add(report, { ...done, runsSummarised: 1 });
  }
  return report;
}

/** Deletes a summarised run's per-member rows. */
async function dropMemberRows(db: Db, runId: string) {
  let memberRowsDeleted = 0;
  let deliveriesDeleted = 0;
  for (const table of ['deliveries', 'run_step_members', 'run_exits', 'run_waits'] as const) {
    const result = await sql`delete from ${sql.table(table)} where run_id = ${runId}`.execute(db);
    const n = Number(result.numAffectedRows ?? 0n);
    if (table === 'deliveries') deliveriesDeleted += n;
    else memberRowsDeleted += n;
  }
  return { memberRowsDeleted, deliveriesDeleted };
}

async function deleteSlice(db: Db, ctids: ReturnType<typeof sql>, table: string): Promise<number> {
  const result = await sql`delete from ${sql.table(table)} where ctid = any(array(${ctids}))`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

function add(a: RetentionReport, b: Partial<RetentionReport>): RetentionReport {
  return {
    runsSummarised: a.runsSummarised + (b.runsSummarised ?? 0),
    memberRowsDeleted: a.memberRowsDeleted + (b.memberRowsDeleted ?? 0),
    deliveriesDeleted: a.deliveriesDeleted + (b.deliveriesDeleted ?? 0),
    eventsDeleted: a.eventsDeleted + (b.eventsDeleted ?? 0),
    entriesSwept: a.entriesSwept + (b.entriesSwept ?? 0),
  };
}
