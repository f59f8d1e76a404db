/**
 * A run's row: written before its workflow starts (the API, event intake) or by the workflow
 * itself (a Schedule's run), so every run is listed in `GET /v1/runs` however it began.
 */
import type { Db } from '../db/database';
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
