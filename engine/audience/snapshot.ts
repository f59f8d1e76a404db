/**
 * Takes the run's audience snapshot: the members enter the trigger node with a seq 1..N.
 * A broadcast or recurring schedule takes every card holder in scope; a birthday, win-back
 * or expiring-voucher run takes today's cohort; an event run takes the entries a cohort
 * batch gave it. The flow's hold-out leaves at once (see `engine/results/holdout.ts`). Runs once per run; a retry finds the snapshot taken and reuses it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { PlanTrigger } from '../compiler/plan';
import { keepBack } from '../results/holdout';
import { enterCohort, entersByEntries } from './cohorts';

export interface SnapshotInput {
  readonly runId: string;
  readonly merchantId: string;
  readonly triggerNodeId: string;
  /** Only holders of this card; every card of the merchant when absent. */
  readonly cardId?: string | undefined;
  /** Absent in runs started before journeys: a broadcast. */
  readonly trigger?: PlanTrigger | undefined;
}

/**
 * `from customers where …`: every holder of the card (or of any card of the merchant), the
 * members of a broadcast or recurring run. Shared with the send preview.
 */
export function cardHolders(merchantId: string, cardId: string | undefined) {
  const cardFilter = cardId ? sql`and card_id = ${cardId}` : sql``;
  return sql`from customers where merchant_id = ${merchantId} ${cardFilter}`;
}

/** Returns the number of members. Marks the run `running`. */
export async function snapshotAudience(db: Db, input: SnapshotInput): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const run = await tx
      .selectFrom('runs')
      .innerJoin('merchants', 'merchants.id', 'runs.merchant_id')
      .select(['runs.member_count', 'runs.started_at', 'runs.send_at', 'runs.flow_id', 'runs.version', 'merchants.timezone'])
      .where('runs.id', '=', input.runId)
      .forUpdate('runs')
      .executeTakeFirst();
    // The API deletes the row when it could not confirm the start: nothing to run then.
    if (!run) throw ApplicationFailure.nonRetryable(`run ${input.runId} does not exist`, 'RunMissing');
    if (run.started_at !== null) return run.member_count;
    const now = new Date();
    const trigger = input.trigger ?? { kind: 'broadcast' as const };
    let inserted;
    if (entersByEntries(trigger)) {
      const cohort = { runId: input.runId, merchantId: input.merchantId, flowId: run.flow_id, version: run.version, timeZone: run.timezone, cardId: input.cardId };
      // A scheduled run takes the cohort of the time it was due (a catch-up after downtime
      // takes the missed day's birthdays, not today's).
      const entered = await enterCohort(tx, cohort, trigger, run.send_at ?? now, { nodeId: input.triggerNodeId });
      // An event run: the entries a cohort batch gave it (`flow_entries_run`, not cohort).
      inserted =
        entered !== undefined
          ? { numAffectedRows: BigInt(entered) }
          : await sql`
        insert into run_step_members (run_id, node_id, seq, customer_id)
        select ${input.runId}, ${input.triggerNodeId}, row_number() over (order by customer_id), customer_id
        from (select distinct customer_id from flow_entries where run_id = ${input.runId} and not cohort) e`.execute(tx);
    } else {
      inserted = await sql`
        insert into run_step_members (run_id, node_id, seq, customer_id)
        select ${input.runId}, ${input.triggerNodeId}, row_number() over (order by id), id
        ${cardHolders(input.merchantId, input.cardId)}`.execute(tx);
    }
    const members = Number(inserted.numAffectedRows ?? 0n);
    // Members kept back to measure the flow enter (and count as members) and leave at once.
    const percent = trigger.holdoutPercent ?? 0;
    await keepBack(tx, { runId: input.runId, flowId: run.flow_id, triggerNodeId: input.triggerNodeId, percent, at: now });
    await tx
      .insertInto('run_step_pages')
      .values({ run_id: input.runId, node_id: input.triggerNodeId, group_key: '', from_seq: 1, entered: members })
      .execute();
    await tx
      .updateTable('runs')
      .set({ member_count: members, started_at: now, status: 'running' })
      .where('id', '=', input.runId)
      .execute();
    return members;
  });
}
