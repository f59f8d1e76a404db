/**
 * Hold-out assignment: whether a member is kept back to measure a flow. It depends only on
 * the flow and the customer (a stable hash into 100 buckets), so the same customer lands in
 * the same group for every run of a flow, whatever the run's size or order.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema';

/** Why a held-out member left at the trigger (`run_exits.reason`). */
export const HOLDOUT_REASON = 'holdout' as const;
/** A held-out member's outcome in the owner's words, wherever deliveries are explained. */
export const HOLDOUT_SENTENCE = 'Kept back to measure this flow; got nothing on purpose';

/**
 * The bucket 0..99 of a customer in a flow: the first 32 bits of md5(`<flow>:<customer>`)
 * mod 100. {@link holdoutBucketSql} computes the same in SQL.
 */
export function holdoutBucket(flowId: string, customerId: string): number {
  const digest = createHash('md5').update(`${flowId}:${customerId}`).digest();
  return digest.readUInt32BE(0) % 100;
}

/** True when the customer is kept back from a flow keeping `percent`% back. */
export function isHeldOut(flowId: string, customerId: string, percent: number): boolean {
  return holdoutBucket(flowId, customerId) < percent;
}

/** {@link holdoutBucket} in SQL, for a flow id and a customer id column. */
export function holdoutBucketSql(flowId: string, customerId: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(('x' || substr(md5(${flowId}::text || ':' || ${customerId}::text), 1, 8))::bit(32)::bigint % 100)`;
}

/** The snapshot of a run whose flow keeps `percent`% of its members back. */
export interface HoldoutSnapshot {
  readonly runId: string;
  readonly flowId: string;
  readonly triggerNodeId: string;
  readonly percent: number;
  /** When the members entered the run. */
  readonly at: Date;
}

/**
 * Records the held-out members of a run's snapshot: each leaves at the trigger with the
 * reason `holdout` (a `run_exits` row), so no step ever works on them. Runs in the
 * snapshot's transaction. Returns how many were kept back.
 */
export async function keepBack(db: Kysely<Database>, snap: HoldoutSnapshot): Promise<number> {
  if (snap.percent <= 0) return 0;
  const result = await sql`
    insert into run_exits (run_id, customer_id, node_id, reason, at)
    select m.run_id, m.customer_id, ${snap.triggerNodeId}, ${HOLDOUT_REASON}, ${snap.at}
    from run_step_members m
    where m.run_id = ${snap.runId} and m.node_id = ${snap.triggerNodeId}
      and ${holdoutBucketSql(snap.flowId, sql`m.customer_id`)} < ${snap.percent}
    on conflict do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
