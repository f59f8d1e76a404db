/**
 * The engine's port to Temporal: starts and cancels run workflows, tells runs that a member
 * visited, and keeps each scheduled flow's Temporal Schedule in step with its published
 * version and status. The run row is written first; the workflow id is derived from the
 * run id, so a repeated start is rejected by Temporal instead of running anything twice.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { flowScheduleId, runWorkflowId, TASK_QUEUE, VISIT_SIGNAL, type RunWorkflowInput } from '../../workflows/types';
import { scheduleSpec, type FlowSchedule } from './schedule-spec';

export { runWorkflowId, TASK_QUEUE, type RunWorkflowInput };
export type { FlowSchedule };

export interface RunLauncher {
  /** Starts the run's workflow; resolves once Temporal has accepted it. Idempotent per run. */
  start(input: RunWorkflowInput): Promise<{ workflowId: string }>;
  /** Requests cancellation; resolves even when the workflow has already finished. */
  cancel(workflowId: string): Promise<void>;
  /** Tells a run that one of its members visited (a wait for a visit moves them at once). */
  signalVisit(workflowId: string): Promise<void>;
  /** Creates the flow's Schedule, or updates it to this version's timing; paused when asked. */
  syncSchedule(schedule: FlowSchedule): Promise<void>;
  /** Removes the flow's Schedule, if it has one. */
  removeSchedule(flowId: string): Promise<void>;
}

export function createRunLauncher(client: Client, taskQueue = TASK_QUEUE, options: { historyLimit?: number } = {}): RunLauncher {
  return {
    async start(input) {
      const workflowId = runWorkflowId(input.runId);
      const args = [options.historyLimit ? { ...input, historyLimit: options.historyLimit } : input];
      try {
        await client.workflow.start('runFlow', { taskQueue, workflowId, args });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      return { workflowId };
    },
    async cancel(workflowId) {
      try {
        await client.workflow.getHandle(workflowId).cancel();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
    async signalVisit(workflowId) {
      try {
        await client.workflow.getHandle(workflowId).signal(VISIT_SIGNAL);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
    async syncSchedule(schedule) {
      const scheduleId = flowScheduleId(schedule.flowId);
      const action = {
        type: 'startWorkflow' as const,
        workflowType: 'scheduledFlow',
        workflowId: scheduleId,
        taskQueue,
        args: [{ merchantId: schedule.merchantId, flowId: schedule.flowId, ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}) }],
      };
      // Runs of a journey overlap (a birthday run may still wait when the next day's fires);
      // after downtime, missed firings within a day are caught up (entries keep them single).
      const policies = { overlap: 'ALLOW_ALL' as const, catchupWindow: '1 day' };
      const spec = scheduleSpec(schedule);
      const handle = client.schedule.getHandle(scheduleId);
      try {
        await handle.update((previous) => ({ ...previous, spec, action, policies, state: { ...previous.state, paused: schedule.paused } }));
        return;
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
      try {
        await client.schedule.create({ scheduleId, spec, action, policies, state: { paused: schedule.paused } });
      } catch (err) {
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
        await handle.update((previous) => ({ ...previous, spec, action, policies, state: { ...previous.state, paused: schedule.paused } }));
      }
    },
    async removeSchedule(flowId) {
      try {
        await client.schedule.getHandle(flowScheduleId(flowId)).delete();
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
    },
  };
}
