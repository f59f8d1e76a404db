/**
 * Publishing: an immutable version (graph snapshot + plan), numbered 1, 2, … per flow. The
 * flow row is locked so two concurrent publishes get consecutive numbers. A scheduled flow's
 * Temporal Schedule is created or updated inside the same transaction, so a version is
 * never published without its schedule (Temporal down: nothing is published).
 */
import type { Db } from '../db/database';
import { checkFlow } from './check';
import type { Diagnostic } from '../compiler/compiler';
import { isEventTrigger, isScheduledTrigger, type Plan } from '../compiler/plan';
import { eventFlowQuotaProblem } from './quotas';
import type { RunLauncher } from '../runs/launcher';
import type { FlowGraph } from '../compiler/graph-schema';
import { draftChanges } from './draft-changes';
import { lockFlow } from './locked-flow';
import { changeSchedule, unavailable } from './schedule-errors';
import { fail, type Failure } from '../result';

export type PublishResult =
  /** `unchanged`: the draft was the live version already, so no version was made. */
  | { readonly ok: true; readonly version: number; readonly plan: Plan; readonly unchanged: boolean }
  | Failure<'not_found' | 'conflict' | 'unavailable'>
  | Failure<'unprocessable', { readonly diagnostics: Diagnostic[] }>;

/**
 * Publishes the flow's current draft; a draft with diagnostics publishes nothing and says why,
 * and a draft without changes against the live version ({@link draftChanges}) answers that version.
 * `publishedBy` is recorded with the version as people read it (see `actorLabel`).
 */
export async function publishFlow(
  ports: { db: Db; launcher: RunLauncher },
  merchantId: string,
  flowId: string,
  publishedBy: string | null = null,
): Promise<PublishResult> {
  return ports.db
    .transaction()
    .execute(async (trx): Promise<PublishResult> => {
      const flow = await lockFlow(trx, merchantId, flowId);
      if (!flow) return fail('not_found', 'Flow not found');
      if (flow.status === 'archived')
        return fail('conflict', 'This flow is archived; it cannot be published again');
      const graph = flow.graph;
      const result = await checkFlow(trx, merchantId, graph);
      if (!result.ok || !result.plan) {
        const count = result.diagnostics.length;
        const message = `The flow has ${count} problem${count === 1 ? '' : 's'}; fix them to publish`;
        return fail('unprocessable', message, { diagnostics: result.diagnostics });
      }
      if (isEventTrigger(result.plan.trigger) && flow.status !== 'paused') {
        const quota = await eventFlowQuotaProblem(trx, merchantId, flowId);
        if (quota) return fail('conflict', quota);
      }
      const latest = await trx
        .selectFrom('flow_versions')
        .select(['version', 'graph', 'plan'])
        .where('flow_id', '=', flowId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      // Publishing the live version again makes no version: runs, schedule and history stay as they are.
      if (latest && draftChanges(latest.graph as FlowGraph, graph) === null) {
        return { ok: true, version: latest.version, plan: latest.plan as Plan, unchanged: true };
      }
      const version = (latest?.version ?? 0) + 1;
      await trx
        .insertInto('flow_versions')
        .values({
          flow_id: flowId,
          version,
          graph: JSON.stringify(graph),
          plan: JSON.stringify(result.plan),
          published_by: publishedBy,
        })
        .execute();
      // A paused flow stays paused; a draft becomes active.
      const status = flow.status === 'paused' ? 'paused' : 'active';
      await trx.updateTable('flows').set({ status }).where('id', '=', flowId).execute();
      const { trigger } = result.plan;
      await changeSchedule(
        () =>
          isScheduledTrigger(trigger)
            ? ports.launcher.syncSchedule({
                flowId,
                merchantId,
                timeZone: flow.timezone,
                trigger,
                paused: status === 'paused',
              })
            : ports.launcher.removeSchedule(flowId), // the trigger may have been scheduled in an earlier version
      );
      return { ok: true, version, plan: result.plan, unchanged: false };
    })
    .catch(unavailable);
}
