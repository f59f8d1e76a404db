/**
 * A run's row: written before its workflow starts (the API, event intake) or by the workflow
 * itself (a Schedule's run), so every run is listed in `GET /v1/runs` however it began.
 */
import type { Db } from '../db/database';
import { deleteRunDeliveries } from '../deliveries/ledger';
import type { RunSource, RunStatus } from '../db/schema';
import type { Plan } from '../compiler/plan';

/** The flow's latest published version and its plan, or undefined when it has none. */
export async function latestVersion(db: Db, flowId: string): Promise<{ version: number; plan: Plan } | undefined> {
  const row = await db
    .selectFrom('flow_versions')
    .select(['version', 'plan'])
    .where('flow_id', '=', flowId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { version: row.version, plan: row.plan } : undefined;
}

export interface NewRun {
  readonly merchantId: string;
  readonly flowId: string;
  readonly version: number;
  readonly plan: Plan;
  readonly source: RunSource;
  readonly runId: string;
  /** The id of the run's workflow (`RunLauncher.workflowIdFor`, or the Schedule's own). */
  readonly workflowId: string;
  /** A scheduled run: the time its cohort is taken for (the firing it stands for). */
  readonly cohortAt?: Date | undefined;
}

/**
 * Inserts the run row; a broadcast with a future `sendAt` is `scheduled`, anything else
 * `running`. `send_at` is the broadcast's send time, or the time a scheduled run's cohort is
 * taken for.
 */
export async function insertRun(db: Db, run: NewRun): Promise<{ runId: string; workflowId: string; status: RunStatus }> {
  const { runId, workflowId } = run;
  const trigger = run.plan.trigger;
  const sendAt = trigger.kind === 'broadcast' && trigger.sendAt ? new Date(trigger.sendAt) : null;
  const status: RunStatus = sendAt && sendAt.getTime() > Date.now() ? 'scheduled' : 'running';
  await db
    .insertInto('runs')
    .values({
      id: runId,
      merchant_id: run.merchantId,
      flow_id: run.flowId,
      version: run.version,
      workflow_id: workflowId,
      status,
      source: run.source,
      send_at: sendAt ?? run.cohortAt ?? null,
    })
    .execute();
  return { runId, workflowId, status };
}

/**
 * Deletes runs whose workflow never started (Temporal refused or could not be reached, a
 * campaign undone), with their members and deliveries. Those two tables have no foreign key
 * to `runs` (migration 022: a key check per written row), so they are deleted here, not by a
 * cascade. A run whose start only looked failed (the answer was lost, the workflow runs) may
 * have written some: they go with it, and the pages its workflow reads after that find no
 * members (a page reads the members of a live run only).
 */
export async function deleteRuns(db: Db, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  const ids = [...runIds];
  const remove = async (trx: Db) => {
    await deleteRunDeliveries(trx, ids);
    await trx.deleteFrom('run_step_members').where('run_id', 'in', ids).execute();
    await trx.deleteFrom('runs').where('id', 'in', ids).execute();
  };
  // In the caller's transaction when it has one (it commits with the caller's other writes).
  if (db.isTransaction) await remove(db);
  else await db.transaction().execute(remove);
}
