/**
 * What the merchant's messaging rules held back, per flow (campaigns are flows), counted by
 * rule and channel since a given time from the delivery ledger: the weekly limit drops a
 * message (a `skipped` row with its reason); quiet hours hold messages until they end and
 * then send them (the row records `held_until`). A message held by quiet hours and then
 * dropped by the weekly limit counts once, under the limit; one held and then not sent for
 * another reason (no email address, suppressed) is not counted: no rule kept it from anyone.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { DeliveryChannel } from '../db/schema';
import { FREQUENCY_CAP } from './frequency-cap';

/** The ledger reasons written by a messaging rule. */
export const RULE_REASONS = [FREQUENCY_CAP] as const;
export const QUIET_HOURS = 'quiet_hours';
export type RuleReason = (typeof RULE_REASONS)[number] | typeof QUIET_HOURS;

export interface HeldBackCount {
  readonly rule: RuleReason;
  readonly channel: DeliveryChannel;
  readonly count: number;
  /** Quiet hours: when the latest hold ended (the messages went out then). */
  readonly until?: Date;
}

export interface FlowHeldBack {
  readonly flowId: string;
  readonly total: number;
  /** By rule and channel, largest first. */
  readonly byRule: readonly HeldBackCount[];
}

/**
 * Per flow of the merchant (only `flowId` when given), the messages a rule held back
 * since `since`; flows with none are left out. One grouped query.
 */
export async function heldBackByFlow(
  db: Db,
  merchantId: string,
  since: Date,
  flowId?: string,
): Promise<FlowHeldBack[]> {
  const dropped = sql<boolean>`d.status = 'skipped' and d.reason = any(${[...RULE_REASONS]}::text[])`;
  const { rows } = await sql<{ flow_id: string; rule: RuleReason; channel: DeliveryChannel; n: string; until: Date | null }>`
    select r.flow_id, case when ${dropped} then d.reason else ${QUIET_HOURS} end as rule, d.channel,
      count(*) as n, max(d.held_until) as until
    from deliveries d join runs r on r.id = d.run_id
    where r.merchant_id = ${merchantId}
      ${flowId ? sql`and r.flow_id = ${flowId}` : sql``}
      and (${dropped} or (d.held_until is not null and d.status not in ('skipped', 'suppressed')))
      and d.created_at >= ${since}
    group by 1, 2, 3
    order by r.flow_id, count(*) desc, 2, d.channel`.execute(db);
  const flows = new Map<string, { total: number; byRule: HeldBackCount[] }>();
  for (const row of rows) {
    const count = Number(row.n);
    let flow = flows.get(row.flow_id);
    if (!flow) flows.set(row.flow_id, (flow = { total: 0, byRule: [] }));
    flow.total += count;
    const until = row.rule === QUIET_HOURS && row.until ? { until: row.until } : {};
    flow.byRule.push({ rule: row.rule, channel: row.channel, count, ...until });
  }
  return [...flows].map(([id, f]) => ({ flowId: id, total: f.total, byRule: f.byRule }));
}
