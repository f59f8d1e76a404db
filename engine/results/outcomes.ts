/**
 * Every member's outcome in SQL: the group they were in (kept back or not) and when they
 * first met the run's goal inside their window, if they did. Goal events are read once for
 * the whole window from the merchant's index (`events_merchant_type_at`, and
 * `vouchers_merchant_redeemed` for redeemed vouchers) and joined to the members by customer,
 * so a 100,000-member run costs one pass over its members, not 100,000 look-ups. The counts
 * (`countOutcomes`, what `GET /v1/runs/:id/results` reads) go one run at a time, so every
 * condition is a constant and Postgres hashes the window's goal customers and probes each
 * member once (EXPLAIN at 100,000 members and 1,000,000 events: about 1,600 buffers).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import type { GoalEvent } from '../compiler/goal-schema';
import { GOAL_EVENT_TYPES } from './came-back';
import { HOLDOUT_REASON } from './holdout';
import type { MeasuredRun } from './measured-runs';
import type { GroupCounts } from './verdict';

/** The event types that meet a goal: a visit is also made by a stamp at the counter. */
const GOAL_TYPES = GOAL_EVENT_TYPES;

/**
 * The CTEs `r` (the started runs: `run_id`, `node_id`, `entered_at`, `ends_at`, the goal's
 * event `types`) and `g` (the merchant's goal events in the runs' windows: `customer_id`,
 * `type`, `at`), for a `with`.
 */
function windowSql(merchantId: string, runs: readonly MeasuredRun[]): RawBuilder<unknown> {
  const started = runs.filter((r) => r.started);
  const from = new Date(Math.min(...started.map((r) => r.enteredAt.getTime())));
  const to = new Date(Math.max(...started.map((r) => r.windowEndsAt.getTime())));
  const typesOf = (g: GoalEvent): readonly string[] => (g === 'voucher_redeemed' ? [g] : GOAL_TYPES[g]);
  const types = [...new Set(started.flatMap((r) => typesOf(r.goal.event)))];
  const eventTypes = types.filter((t) => t !== 'voucher_redeemed');
  const vouchers = types.includes('voucher_redeemed')
    ? sql`union all select v.customer_id, 'voucher_redeemed', v.redeemed_at from vouchers v
        where v.merchant_id = ${merchantId} and v.redeemed_at > ${from} and v.redeemed_at <= ${to}`
    : sql``;
  // Materialised, so the planner reads the window's goal events once and joins the members
  // to them, rather than probing the events index once per member.
  return sql`r as materialized (
      select run_id, node_id, entered_at, ends_at, string_to_array(types, ',') as types
      from unnest(${started.map((r) => r.id)}::uuid[], ${started.map((r) => r.triggerNodeId)}::text[],
        ${started.map((r) => r.enteredAt)}::timestamptz[], ${started.map((r) => r.windowEndsAt)}::timestamptz[],
        ${started.map((r) => typesOf(r.goal.event).join(','))}::text[]) as r(run_id, node_id, entered_at, ends_at, types)
    ), g as materialized (
      select e.customer_id, e.type, e.at from events e
      where e.merchant_id = ${merchantId} and e.type = any(${eventTypes}::text[]) and e.at > ${from} and e.at <= ${to}
      ${vouchers}
    )`;
}

/**
 * `with … o as (…)`: one row per member of the started runs, with `run_id`, `seq`,
 * `customer_id`, `held` (kept back), `entered_at` and `converted_at` (null: not converted).
 * Followed by the caller's `select … from o`.
 */
export function outcomesSql(merchantId: string, runs: readonly MeasuredRun[]): RawBuilder<unknown> {
  return sql`with ${windowSql(merchantId, runs)}, m as materialized (
      select m.run_id, m.seq, m.customer_id, r.entered_at, r.ends_at, r.types, x.customer_id is not null as held
      from run_step_members m join r on m.run_id = r.run_id and m.node_id = r.node_id
      left join run_exits x on x.run_id = m.run_id and x.customer_id = m.customer_id and x.reason = ${HOLDOUT_REASON}
      where m.run_id = any(${runs.filter((r) => r.started).map((r) => r.id)}::uuid[])
    ), c as (
      select m.run_id, m.customer_id, min(g.at) as converted_at
      from m join g on g.customer_id = m.customer_id
      where g.type = any(m.types) and g.at > m.entered_at and g.at <= m.ends_at
      group by m.run_id, m.customer_id
    ), o as (
      select m.run_id, m.seq, m.customer_id, m.held, m.entered_at, c.converted_at
      from m left join c on c.run_id = m.run_id and c.customer_id = m.customer_id
    )`;
}

/** Members and converted members of each group, over the runs. */
export async function countOutcomes(
  db: Db,
  merchantId: string,
  runs: readonly MeasuredRun[],
): Promise<{ treated: GroupCounts; holdout: GroupCounts }> {
  const started = runs.filter((r) => r.started);
  // One small statement per run (a flow's runs in parallel), each planned with the run's own
  // window as constants: cost grows with the run's members and its window's goal events,
  // never with the merchant's history.
  const counts = await Promise.all(started.map((r) => countRun(db, merchantId, r)));
  const sum = (f: (c: RunCounts) => number) => counts.reduce((n, c) => n + f(c), 0);
  const members = started.reduce((n, r) => n + r.memberCount, 0);
  const held = sum((c) => c.held);
  const converted = sum((c) => c.converted);
  const heldConverted = sum((c) => c.held_converted);
  return {
    treated: { customers: members - held, converted: converted - heldConverted },
    holdout: { customers: held, converted: heldConverted },
  };
}

export interface RunCounts {
  readonly held: number;
  readonly converted: number;
  readonly held_converted: number;
}

/** The customers with a goal event in one run's window (duplicates left in: only joined to). */
export function goalCustomersSql(merchantId: string, run: MeasuredRun): RawBuilder<unknown> {
  const from = run.enteredAt;
  const to = run.windowEndsAt;
  if (run.goal.event === 'voucher_redeemed')
    return sql`select v.customer_id from vouchers v
      where v.merchant_id = ${merchantId} and v.redeemed_at > ${from} and v.redeemed_at <= ${to}`;
  return sql`select e.customer_id from events e
    where e.merchant_id = ${merchantId} and e.type = any(${GOAL_TYPES[run.goal.event]}::text[]) and e.at > ${from} and e.at <= ${to}`;
}

/**
 * One run's counts, set-based: the window's goal events are read from the index alone
 * (`events_merchant_type_at`) into a hash, and the run's members and its held-out rows are
 * each probed against it once. Every member entered the run at once, so the window is the
 * same for all of them and no per-member condition is left.
 */
export async function countRun(db: Db, merchantId: string, run: MeasuredRun): Promise<RunCounts> {
  if (run.summary) return run.summary;
  const { rows } = await withoutParallelWorkers(db, (tx) => countRunSql(merchantId, run).execute(tx));
  return rows[0] ?? { held: 0, converted: 0, held_converted: 0 };
}

/**
 * Runs `work` with parallel query turned off for its statements. A run's count reads its own
 * key range (100,000 members: ~830 index pages), where starting two parallel workers costs more
 * than they save: once a year of history made `run_step_members` large, the planner chose them,
 * and the `results` bench's count went from 46 to 150 ms with the same pages read, 59 ms of it
 * before the first worker's row (EXPLAIN ANALYZE, 2 cores). `set local` needs a transaction: in
 * the caller's, it is reset afterwards; otherwise one of its own.
 */
export async function withoutParallelWorkers<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  const off = sql`set local max_parallel_workers_per_gather = 0`;
  if (!db.isTransaction) {
    return db.transaction().execute(async (tx) => {
      await off.execute(tx);
      return work(tx);
    });
  }
  // On an error the caller's transaction is aborted, and the setting goes with it.
  await off.execute(db);
  const result = await work(db);
  await sql`reset max_parallel_workers_per_gather`.execute(db);
  return result;
}

/**
 * `countRun`'s statement. The members are read from the index alone: the run's range of
 * `run_step_members_pk`, which carries `customer_id` (migration 021), so the cost is the
 * run's own entries, not the table's (engine/retention/results-plan.test.ts EXPLAINs it after
 * the retention job left the run a seventh of the table).
 */
export function countRunSql(merchantId: string, run: MeasuredRun): RawBuilder<RunCounts> {
  const g = goalCustomersSql(merchantId, run);
  return sql<RunCounts>`
    select
      (select count(*) from run_exits x
        where x.run_id = ${run.id} and x.node_id = ${run.triggerNodeId} and x.reason = ${HOLDOUT_REASON})::int as held,
      (select count(*) from run_step_members m
        where m.run_id = ${run.id} and m.node_id = ${run.triggerNodeId}
        and m.customer_id in (${g}))::int as converted,
      (select count(*) from run_exits x
        where x.run_id = ${run.id} and x.node_id = ${run.triggerNodeId} and x.reason = ${HOLDOUT_REASON}
        and x.customer_id in (${g}))::int as held_converted`;
}

/** Conversions on each day after entering (day 0: within the first 24 hours), per group. */
export interface DayConversions {
  readonly day: number;
  readonly treated: number;
  readonly holdout: number;
}

/** Conversions by day since entry, over the runs; days without any are left out. */
export async function conversionsByDay(db: Db, merchantId: string, runs: readonly MeasuredRun[]): Promise<DayConversions[]> {
  if (!runs.some((r) => r.started)) return [];
  const { rows } = await sql<DayConversions>`${outcomesSql(merchantId, runs)}
    select ceil(extract(epoch from converted_at - entered_at) / 86400)::int - 1 as day,
      (count(*) filter (where not held))::int as treated, (count(*) filter (where held))::int as holdout
    from o where converted_at is not null group by 1 order by 1`.execute(db);
  return rows;
}
