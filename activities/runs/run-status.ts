/** Records a run's life cycle on its row: the API reads status from there. */
import type { Db } from '../../engine/db/database';
import type { RunStatus } from '../../engine/db/schema';

export interface FinishInput {
  readonly runId: string;
  readonly status: Extract<RunStatus, 'completed' | 'failed' | 'cancelled'>;
  readonly error?: string | undefined;
}

/** Marks a run finished, and its waits over. A run already finished keeps its first final status. */
export async function finishRun(db: Db, input: FinishInput): Promise<void> {
  await db.updateTable('run_waits').set({ finished_at: new Date() }).where('run_id', '=', input.runId).where('finished_at', 'is', null).execute();
  await db
    .updateTable('runs')
    .set({ status: input.status, error: input.error ?? null, finished_at: new Date() })
    .where('id', '=', input.runId)
    .where('status', 'in', ['scheduled', 'running'])
    .execute();
}
