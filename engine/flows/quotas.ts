/**
 * Per-merchant quotas on what loads the shared worker and Temporal: limits a café never
 * meets and an abuser always does. Schedules more often than hourly are refused by the
 * compiler (`compiler/cron.ts`); these two need the database.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

/** Flows that are not archived (drafts, active, paused), campaigns included. */
export const MAX_FLOWS = 1_000;
/** Active flows triggered by an event (joined, stamp, reward ready): each event enters them all. */
export const MAX_ACTIVE_EVENT_FLOWS = 50;

/** Why the merchant cannot create one more flow, or undefined. */
export async function flowQuotaProblem(db: Db, merchantId: string): Promise<string | undefined> {
  const { n } = await db
    .selectFrom('flows')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('merchant_id', '=', merchantId)
    .where('status', '<>', 'archived')
    .executeTakeFirstOrThrow();
  if (n < MAX_FLOWS) return undefined;
  return `You have ${n.toLocaleString('en')} flows, the most one shop can have; archive flows you no longer use first`;
}

/** Why `flowId` cannot become one more active event flow, or undefined. */
export async function eventFlowQuotaProblem(db: Db, merchantId: string, flowId: string): Promise<string | undefined> {
  const { n } = await db
    .selectFrom('flows as f')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('f.merchant_id', '=', merchantId)
    .where('f.status', '=', 'active')
    .where('f.id', '<>', flowId)
    .where(
      sql<boolean>`(select v.plan->'trigger'->>'kind' = 'event' and v.plan->'trigger'->>'event' <> 'voucher_expiring'
        from flow_versions v where v.flow_id = f.id order by v.version desc limit 1)`,
    )
    .executeTakeFirstOrThrow();
  if (n < MAX_ACTIVE_EVENT_FLOWS) return undefined;
  return `You have ${n} active flows started by events, the most one shop can have; pause or archive one first`;
}
