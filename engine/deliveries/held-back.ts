/**
 * What the merchant's messaging rules held back, per flow (campaigns are flows): the
 * ledger's `skipped` rows a rule wrote, counted by rule and channel since a given time.
 * Quiet hours hold messages until they end and then send them, so they write no skip row
 * and are not counted here; the weekly limit drops the message and is.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { DeliveryChannel } from '../db/schema';
import { FREQUENCY_CAP } from './frequency-cap';

/** The ledger reasons written by a messaging rule. */
export const RULE_REASONS = [FREQUENCY_CAP] as const;
export type RuleReason = (typeof RULE_REASONS)[number];

export interface HeldBackCount {
  readonly rule: RuleReason;
  readonly channel: DeliveryChannel;
  readonly count: number;
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
  const { rows } = await sql<{ flow_id: string; reason: RuleReason; channel: DeliveryChannel; n: string }>`
    select r.flow_id, d.reason, d.channel, count(*) as n
    from deliveries d join runs r on r.id = d.run_id
    where r.merchant_id = ${merchantId}
      ${flowId ? sql`and r.flow_id = ${flowId}` : sql``}
      and d.status = 'skipped' and d.reason = any(${[...RULE_REASONS]}::text[])
      and d.created_at >= ${since}
    group by r.flow_id, d.reason, d.channel
    order by r.flow_id, count(*) desc, d.channel`.execute(db);
  const flows = new Map<string, { total: number; byRule: HeldBackCount[] }>();
  for (const row of rows) {
    const count = Number(row.n);
    let flow = flows.get(row.flow_id);
    if (!flow) flows.set(row.flow_id, (flow = { total: 0, byRule: [] }));
    flow.total += count;
    flow.byRule.push({ rule: row.reason, channel: row.channel, count });
  }
  return [...flows].map(([id, f]) => ({ flowId: id, total: f.total, byRule: f.byRule }));
}
