/**
 * Every member's outcome in SQL: the group they were in (kept back or not) and when they
 * first met the run's goal inside their window, if they did. Goal events are read once for
 * the whole window from the merchant's index (`events_merchant_type_at`, and
 * `vouchers_merchant_redeemed` for redeemed vouchers) and joined to the members by customer,
 * so a 100,000-member run costs one pass over its members, not 100,000 look-ups.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import type { GoalEvent } from '../compiler/goal-schema';
import { HOLDOUT_REASON } from './holdout';
import type { MeasuredRun } from './measured-runs';
import type { GroupCounts } from './verdict';

/** The event types that meet a goal: a visit is also made by a stamp at the counter. */
const GOAL_TYPES: Record<Exclude<GoalEvent, 'voucher_redeemed'>, readonly string[]> = {
  visit: ['visit', 'stamp'],
  stamp: ['stamp'],
  reward_redeemed: ['reward_redeemed'],
};

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
  const none = { customers: 0, converted: 0 };
  if (!runs.some((r) => r.started)) return { treated: none, holdout: none };
  // Counts without a row per member: the groups' sizes from the runs' rows and their hold-out
  // rows, and the converted members by a hash semi-join of the members to the window's goal
  // events (few, read from the index alone).
  const { rows } = await sql<{ held: number; converted: number; held_converted: number }>`
    with ${windowSql(merchantId, runs)}, c as (
      select m.run_id, m.customer_id from r join run_step_members m on m.run_id = r.run_id and m.node_id = r.node_id
      where exists (select 1 from g where g.customer_id = m.customer_id
        and g.type = any(r.types) and g.at > r.entered_at and g.at <= r.ends_at)
    )
    select
      (select count(*) from r join run_exits x on x.run_id = r.run_id and x.node_id = r.node_id
        where x.reason = ${HOLDOUT_REASON})::int as held,
      (select count(*) from c)::int as converted,
      (select count(*) from c join run_exits x on x.run_id = c.run_id and x.customer_id = c.customer_id
        where x.reason = ${HOLDOUT_REASON})::int as held_converted`.execute(db);
  const row = rows[0] ?? { held: 0, converted: 0, held_converted: 0 };
  const customers = runs.reduce((sum, r) => sum + (r.started ? r.memberCount : 0), 0);
  return {
    treated: { customers: customers - row.held, converted: row.converted - row.held_converted },
    holdout: { customers: row.held, converted: row.held_converted },
  };
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
