/**
 * Pausing, resuming and archiving a flow. A paused flow's Schedule is paused and its events
 * enter nobody; resuming undoes both; archiving removes the Schedule for good. Runs already
 * under way go on (they are pinned to their version); cancel them one by one if need be.
 */
import type { Db } from '../db/database';
import type { FlowStatus } from '../db/schema';
import { isEventTrigger, isScheduledTrigger } from '../compiler/plan';
import { eventFlowQuotaProblem } from './quotas';
import type { RunLauncher } from '../runs/launcher';
import { lockFlow } from './locked-flow';
import { changeSchedule, unavailable } from './schedule-errors';
import { latestVersion } from '../runs/run-row';
import { fail, type Failure } from '../result';

export type StatusAction = 'pause' | 'resume' | 'archive';

export type StatusResult =
  | { readonly ok: true; readonly flowId: string; readonly status: FlowStatus }
  | Failure<'not_found' | 'conflict' | 'unavailable'>;

const TARGET = { pause: 'paused', resume: 'active', archive: 'archived' } as const satisfies Record<
  StatusAction,
  FlowStatus
>;

export async function setFlowStatus(
  ports: { db: Db; launcher: RunLauncher },
  merchantId: string,
  flowId: string,
  action: StatusAction,
): Promise<StatusResult> {
  return ports.db
    .transaction()
    .execute(async (trx): Promise<StatusResult> => {
      const flow = await lockFlow(trx, merchantId, flowId);
      if (!flow) return fail('not_found', 'Flow not found');
      if (flow.status === 'archived')
        return fail('conflict', 'This flow is archived; it stays archived');
      if (flow.status === 'draft' && action !== 'archive') {
        return fail('conflict', `Publish the flow before you ${action} it`);
      }
      const status = TARGET[action];
      const latest = await latestVersion(trx, flowId);
      // Resuming makes the flow active again: it counts against the active event flows as publishing does.
      if (action === 'resume' && flow.status === 'paused' && latest && isEventTrigger(latest.plan.trigger)) {
        const quota = await eventFlowQuotaProblem(trx, merchantId, flowId);
        if (quota) return { ok: false, code: 'conflict', message: quota };
      }
      await trx.updateTable('flows').set({ status }).where('id', '=', flowId).execute();
      if (action === 'archive') await changeSchedule(() => ports.launcher.removeSchedule(flowId));
      else if (latest && isScheduledTrigger(latest.plan.trigger)) {
        const { trigger } = latest.plan;
        await changeSchedule(() =>
          ports.launcher.syncSchedule({
            flowId,
            merchantId,
            timeZone: flow.timezone,
            trigger,
            paused: status === 'paused',
          }),
        );
      }
      return { ok: true, flowId, status };
    })
    .catch(unavailable);
}
