/**
 * Takes the run's audience snapshot: every card holder in scope enters the trigger node
 * with a seq 1..N. Runs once per run; a retry finds the snapshot taken and reuses it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';

export interface SnapshotInput {
  readonly runId: string;
  readonly merchantId: string;
  readonly triggerNodeId: string;
  /** Only holders of this card; every card of the merchant when absent. */
  readonly cardId?: string | undefined;
}

/** Returns the number of members. Marks the run `running`. */
export async function snapshotAudience(db: Db, input: SnapshotInput): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const run = await tx
      .selectFrom('runs')
      .select(['member_count', 'started_at', 'status'])
      .where('id', '=', input.runId)
      .forUpdate()
      .executeTakeFirst();
    // The API deletes the row when it could not confirm the start: nothing to run then.
    if (!run) throw ApplicationFailure.nonRetryable(`run ${input.runId} does not exist`, 'RunMissing');
    if (run.started_at !== null) return run.member_count;
    const cardFilter = input.cardId ? sql`and card_id = ${input.cardId}` : sql``;
    const inserted = await sql`
      insert into run_step_members (run_id, node_id, seq, customer_id)
      select ${input.runId}, ${input.triggerNodeId}, row_number() over (order by id), id
      from customers where merchant_id = ${input.merchantId} ${cardFilter}`.execute(tx);
    const members = Number(inserted.numAffectedRows ?? 0n);
    await tx
      .insertInto('run_step_pages')
      .values({ run_id: input.runId, node_id: input.triggerNodeId, group_key: '', from_seq: 1, entered: members })
      .execute();
    await tx
      .updateTable('runs')
      .set({ member_count: members, started_at: new Date(), status: 'running' })
      .where('id', '=', input.runId)
      .execute();
    return members;
  });
}
