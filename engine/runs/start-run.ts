/**
 * Starting a run by hand (`POST /v1/flows/:id/runs`): a broadcast runs now or at its
 * `sendAt`; a scheduled flow (birthday, win-back, expiring vouchers, recurring) fires
 * today's cohort now, so merchants can test it; an event flow starts by its events only.
 * The run row is written first, then Temporal is asked to start the workflow; if Temporal
 * refuses or cannot be reached the row is deleted again, so nothing is left half-written,
 * and the answer says which of the two happened (422 refused, 503 not reachable).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import type { RunStatus } from '../db/schema';
import { isEventTrigger } from '../compiler/plan';
import { log } from '../log';
import { fail, type Result } from '../result';
import type { RunLauncher } from './launcher';
import { deleteRuns, insertRun, latestVersion } from './run-row';
import { RunStartRefused, startFailureMessage } from './start-refused';

export interface StartedRun {
  readonly runId: string;
  readonly workflowId: string;
  readonly status: RunStatus;
}

export type StartRunResult = Result<{ readonly run: StartedRun }, 'not_found' | 'conflict' | 'unavailable' | 'unprocessable'>;

/** Starts a run of the flow's latest published version. */
export async function startRun(ports: { db: Db; launcher: RunLauncher }, merchantId: string, flowId: string): Promise<StartRunResult> {
  const { db, launcher } = ports;
  const flow = await db
    .selectFrom('flows')
    .select(['id', 'status'])
    .where('id', '=', flowId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!flow) return fail('not_found', 'Flow not found');
  if (flow.status === 'archived') return fail('conflict', 'This flow is archived; it cannot run again');
  const latest = await latestVersion(db, flowId);
  if (!latest) return fail('conflict', 'This flow has no published version: publish the flow first');
  const { trigger } = latest.plan;
  if (isEventTrigger(trigger)) {
    const message = `A flow triggered by the ${trigger.event} event starts when that event happens, not by hand`;
    return fail('conflict', message);
  }
  const runId = randomUUID();
  const workflowId = launcher.workflowIdFor(runId);
  const run = await insertRun(db, { runId, workflowId, merchantId, flowId, version: latest.version, plan: latest.plan, source: 'api' });
  try {
    await launcher.start({ runId: run.runId, merchantId, plan: latest.plan });
  } catch (err) {
    await deleteRuns(db, [run.runId]);
    log.warn('run start failed', { runId: run.runId, flowId, err });
    const code = err instanceof RunStartRefused ? 'unprocessable' : 'unavailable';
    return fail(code, startFailureMessage(err));
  }
  return { ok: true, run };
}
