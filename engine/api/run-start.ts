/**
 * Starting a broadcast run: the run row is written first (its id, and so its workflow id,
 * chosen here), then Temporal is asked to start the workflow. If Temporal refuses or
 * cannot be reached the row is deleted again, so nothing is left half-written.
 */
import { randomUUID } from 'node:crypto';
import type { Plan } from '../flow/plan';
import type { RunStatus } from '../db/schema';
import { runWorkflowId } from '../temporal/run-launcher';
import { log } from '../log';
import type { AppDeps } from './deps';
import { ApiError, notFound } from './errors';

export interface StartedRun {
  runId: string;
  workflowId: string;
  status: RunStatus;
}

/** Starts a run of the flow's latest published version. */
export async function startRun(deps: AppDeps, merchantId: string, flowId: string): Promise<StartedRun> {
  const { db, launcher } = deps;
  const flow = await db
    .selectFrom('flows')
    .select('id')
    .where('id', '=', flowId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!flow) throw notFound('Flow');
  const latest = await db
    .selectFrom('flow_versions')
    .select(['version', 'plan'])
    .where('flow_id', '=', flowId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) throw new ApiError('conflict', 'This flow has no published version: publish the flow first');
  const plan = latest.plan as Plan;
  const kind: string = plan.trigger.kind;
  if (kind !== 'broadcast') {
    throw new ApiError('conflict', `Only broadcast flows are started by hand; a ${kind} flow starts by its trigger`);
  }

  const sendAt = plan.trigger.sendAt ? new Date(plan.trigger.sendAt) : null;
  const status: RunStatus = sendAt && sendAt.getTime() > Date.now() ? 'scheduled' : 'running';
  const runId = randomUUID();
  const workflowId = runWorkflowId(runId);
  await db
    .insertInto('runs')
    .values({
      id: runId,
      merchant_id: merchantId,
      flow_id: flowId,
      version: latest.version,
      workflow_id: workflowId,
      status,
      send_at: sendAt,
    })
    .execute();
  try {
    await launcher.start({ runId, merchantId, plan });
  } catch (err) {
    await db.deleteFrom('runs').where('id', '=', runId).execute();
    log.warn('run start failed', { runId, flowId, err });
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiError('unavailable', `Temporal is not reachable: ${reason}`);
  }
  return { runId, workflowId, status };
}
