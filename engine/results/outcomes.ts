/**
 * Every member's outcome in SQL: the group they were in (kept back or not) and when they
 * first met the run's goal inside their window, if they did. Goal events are read once for
 * the whole window from the merchant's index (`events_merchant_type_at`, and
 * `vouchers_merchant_redeemed` for redeemed vouchers) and joined to the members by customer,
 * so a 100,000-member run costs one pass over its members, not 100,000 look-ups.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import type { GoalEvent } from '../flow/goal-schema';
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
 * `with … o as (…)`: one row per member of the started runs, with `run_id`, `seq`,
 * `customer_id`, `held` (kept back), `entered_at` and `converted_at` (null: not converted).
 * Followed by the caller's `select … from o`.
 */
export function outcomesSql(merchantId: string, runs: readonly MeasuredRun[]): RawBuilder<unknown> {
  const started = runs.filter((r) => r.started);
  const from = new Date(Math.min(...started.map((r) => r.enteredAt.getTime())));
  const to = new Date(Math.max(...started.map((r) => r.windowEndsAt.getTime())));
  const goals = [...new Set(started.map((r) => r.goal.event))];
  const types = goals.flatMap((g) => (g === 'voucher_redeemed' ? [] : GOAL_TYPES[g].map((type) => ({ goal: g, type }))));
  const parts: RawBuilder<unknown>[] = [];
  if (types.length > 0) {
    parts.push(sql`select e.customer_id, t.goal, e.at
      from unnest(${types.map((t) => t.goal)}::text[], ${types.map((t) => t.type)}::text[]) as t(goal, type)
      join events e on e.merchant_id = ${merchantId} and e.type = t.type and e.at > ${from} and e.at <= ${to}`);
  }
  if (goals.includes('voucher_redeemed')) {
    parts.push(sql`select v.customer_id, 'voucher_redeemed', v.redeemed_at from vouchers v
      where v.merchant_id = ${merchantId} and v.redeemed_at > ${from} and v.redeemed_at <= ${to}`);
  }
  const goalEvents = parts.length > 0 ? sql.join(parts, sql` union all `) : sql`select null::uuid, null::text, null::timestamptz where false`;
  return sql`with r as (
      select * from unnest(${started.map((r) => r.id)}::uuid[], ${started.map((r) => r.triggerNodeId)}::text[],
        ${started.map((r) => r.enteredAt)}::timestamptz[], ${started.map((r) => r.windowEndsAt)}::timestamptz[],
        ${started.map((r) => r.goal.event)}::text[]) as r(run_id, node_id, entered_at, ends_at, goal)
    ), m as (
      select m.run_id, m.seq, m.customer_id, r.entered_at, r.ends_at, r.goal, x.customer_id is not null as held
      from r join run_step_members m on m.run_id = r.run_id and m.node_id = r.node_id
      left join run_exits x on x.run_id = m.run_id and x.customer_id = m.customer_id and x.reason = ${HOLDOUT_REASON}
    ), g(customer_id, goal, at) as (${goalEvents}
    ), c as (
      select m.run_id, m.customer_id, min(g.at) as converted_at
      from m join g on g.customer_id = m.customer_id and g.goal = m.goal and g.at > m.entered_at and g.at <= m.ends_at
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
  const { rows } = await sql<{ held: boolean; customers: number; converted: number }>`${outcomesSql(merchantId, runs)}
    select held, count(*)::int as customers, count(converted_at)::int as converted from o group by held`.execute(db);
  const of = (held: boolean) => rows.find((r) => r.held === held) ?? { customers: 0, converted: 0 };
  return {
    treated: { customers: of(false).customers, converted: of(false).converted },
    holdout: { customers: of(true).customers, converted: of(true).converted },
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
