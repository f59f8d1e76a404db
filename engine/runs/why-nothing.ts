/**
 * Why a run's members got nothing, grouped: each member without a sent message counted
 * once, under the first thing that stopped them — kept back to measure the flow, left by an
 * exit rule, or the reason of their first message that did not go out (no email, no
 * consent, the weekly limit, no pass, the do-not-mail list, a failure). Members with no
 * message row at all did not reach a message step (a check in the flow sent them another
 * way, or they are still on their way). One query, grouped in SQL.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { SENT_STATUSES } from '../deliveries/status';
import { HOLDOUT_REASON } from '../results/holdout';
import type { Plan } from '../compiler/plan';
import { messageSteps } from './send-preview';

/**
 * A group's code: a delivery reason (`no_email`, `frequency_cap`, …), `holdout`,
 * `exit_rule`, `suppressed`, `failed`, `sending` or `no_message`.
 */
export interface NothingSentGroup {
  readonly reason: string;
  readonly count: number;
}

/** The groups of the run's members who got nothing, largest first. */
export async function whyNothingSent(db: Db, runId: string, plan: Plan): Promise<NothingSentGroup[]> {
  const { triggerNodeId } = plan;
  // "First" in the flow's order: a member without a pass and without an email reads "no pass".
  const order = messageSteps(plan).map(({ step }) => step.id);
  const { rows } = await sql<{ reason: string; n: string }>`
    with members as (
      select m.customer_id from run_step_members m
      where m.run_id = ${runId} and m.node_id = ${triggerNodeId}
        and not exists (
          select 1 from deliveries d
          where d.run_id = ${runId} and d.customer_id = m.customer_id and d.status = any(${[...SENT_STATUSES]}::text[]))
    )
    select coalesce(
        (select case when e.reason = ${HOLDOUT_REASON} then 'holdout' else 'exit_rule' end
          from run_exits e where e.run_id = ${runId} and e.customer_id = m.customer_id limit 1),
        (select case
            when d.status in ('suppressed', 'failed', 'sending') then d.status
            else coalesce(nullif(split_part(split_part(d.reason, ':', 1), ' (', 1), ''), 'skipped') end
          from deliveries d where d.run_id = ${runId} and d.customer_id = m.customer_id
          order by array_position(${order}::text[], d.node_id), d.created_at, d.channel limit 1),
        'no_message') as reason,
      count(*) as n
    from members m
    group by 1
    order by count(*) desc, 1`.execute(db);
  return rows.map((r) => ({ reason: r.reason, count: Number(r.n) }));
}
