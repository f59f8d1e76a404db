/**
 * A run that a flow's Temporal Schedule started opens its own row, keyed by its workflow id
 * (so a retried activity finds the row it wrote), pinned to the flow's latest version. A
 * paused or archived flow opens nothing: its Schedule should not have fired.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import type { Plan } from '../compiler/plan';
import { log } from '../log';
import { insertRun, latestVersion } from './run-row';

export interface OpenScheduledRunInput {
  readonly merchantId: string;
  readonly flowId: string;
  readonly workflowId: string;
  /** When the Schedule was due (ISO); the run's cohort is that day's. Absent: now. */
  readonly dueAt?: string | undefined;
}

export async function openScheduledRun(db: Db, input: OpenScheduledRunInput): Promise<{ runId: string; plan: Plan } | null> {
  const existing = await db
    .selectFrom('runs')
    .innerJoin('flow_versions as v', (join) => join.onRef('v.flow_id', '=', 'runs.flow_id').onRef('v.version', '=', 'runs.version'))
    .select(['runs.id', 'v.plan'])
    .where('runs.workflow_id', '=', input.workflowId)
    .executeTakeFirst();
  if (existing) return { runId: existing.id, plan: existing.plan };
  const flow = await db
    .selectFrom('flows')
    .select('status')
    .where('id', '=', input.flowId)
    .where('merchant_id', '=', input.merchantId)
    .executeTakeFirst();
  const latest = await latestVersion(db, input.flowId);
  if (!flow || flow.status !== 'active' || !latest) {
    log.warn('scheduled run skipped', { flowId: input.flowId, status: flow?.status ?? 'missing' });
    return null;
  }
  const { runId } = await insertRun(db, {
    runId: randomUUID(),
    merchantId: input.merchantId,
    flowId: input.flowId,
    workflowId: input.workflowId,
    version: latest.version,
    plan: latest.plan,
    source: 'schedule',
    cohortAt: input.dueAt ? new Date(input.dueAt) : undefined,
  });
  return { runId, plan: latest.plan };
}
