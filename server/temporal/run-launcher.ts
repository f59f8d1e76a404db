/**
 * The engine's port to Temporal: starts and cancels run workflows, tells runs that a member
 * visited, and keeps each scheduled flow's Temporal Schedule in step with its published
 * version and status. The run row is written first; the workflow id is derived from the
 * run id, so a repeated start is rejected by Temporal instead of running anything twice.
 */
import {
  isGrpcServiceError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { runFlow, scheduledFlow } from '../../workflows';
import {
  flowScheduleId,
  runWorkflowId,
  TASK_QUEUE,
  VISIT_SIGNAL,
  type RunWorkflowInput,
  type ScheduledFlowInput,
} from '../../workflows/types';
import { scheduleSpec } from './schedule-spec';
import {
  MAX_HISTORY_EVENTS,
  type FlowSchedule,
  type HistoryEvent,
  type RunLauncher,
  type WorkflowHistory,
} from '../../engine/runs/launcher';
import { RunStartRefused } from '../../engine/runs/start-refused';

export { runWorkflowId, TASK_QUEUE, type RunWorkflowInput };
export type { FlowSchedule, HistoryEvent, RunLauncher, WorkflowHistory };

/** How long a history read may take before Temporal counts as unreachable. */
const HISTORY_DEADLINE_MS = 10_000;
/** gRPC NOT_FOUND. */
const NOT_FOUND = 5;
/** gRPC codes that mean Temporal did not answer: CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, UNAVAILABLE. */
const NO_ANSWER = new Set([1, 2, 4, 14]);

/**
 * A `RunStartRefused` when Temporal answered the start with a refusal (the client wraps the
 * gRPC error in a `ServiceError`, so its cause is looked at too); undefined otherwise.
 */
function refusalOf(err: unknown): RunStartRefused | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && !NO_ANSWER.has(e.code)) {
      const size = /size/i.test(e.details) ? ': the flow is too large to run; shorten its emails and publish it again' : '';
      return new RunStartRefused(`Temporal refused to start the run (${e.details})${size}`, { cause: err });
    }
  }
  return undefined;
}

export function createRunLauncher(client: Client, taskQueue = TASK_QUEUE, options: { historyLimit?: number } = {}): RunLauncher {
  return {
    workflowIdFor: runWorkflowId,
    async start(input) {
      const workflowId = runWorkflowId(input.runId);
      const workflowInput: RunWorkflowInput = options.historyLimit ? { ...input, historyLimit: options.historyLimit } : input;
      try {
        await client.workflow.start(runFlow, { taskQueue, workflowId, args: [workflowInput] });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId };
        throw refusalOf(err) ?? err;
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
      const scheduledInput: ScheduledFlowInput = {
        merchantId: schedule.merchantId,
        flowId: schedule.flowId,
        ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
      };
      const action = {
        type: 'startWorkflow' as const,
        workflowType: scheduledFlow,
        workflowId: scheduleId,
        taskQueue,
        args: [scheduledInput] as [ScheduledFlowInput],
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
    async history(workflowId, { maxEvents = MAX_HISTORY_EVENTS } = {}) {
      try {
        return await client.withDeadline(Date.now() + HISTORY_DEADLINE_MS, () => chainHistory(client, workflowId, maxEvents));
      } catch (err) {
        if (isGrpcServiceError(err) && err.code === NOT_FOUND) throw new WorkflowNotFoundError(`workflow ${workflowId} not found`, workflowId, undefined);
        throw err;
      }
    },
  };
}

/**
 * Reads a chain from its first run (named by the latest run's start event) and follows each
 * `WorkflowExecutionContinuedAsNew` to the next run, until the chain ends or `maxEvents`.
 */
async function chainHistory(client: Client, workflowId: string, maxEvents: number): Promise<WorkflowHistory> {
  const latest = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const started = latest.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  let runId: string | undefined = started?.firstExecutionRunId || undefined;
  const runs: { runId: string; events: HistoryEvent[] }[] = [];
  let total = 0;
  while (runId !== undefined) {
    const { events } = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const all = events ?? [];
    const room = maxEvents - total;
    runs.push({ runId, events: all.slice(0, room) });
    total += Math.min(all.length, room);
    const next = all.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId || undefined;
    if (all.length > room || (next !== undefined && total >= maxEvents)) return { runs, truncated: true };
    runId = next;
  }
  return { runs, truncated: false };
}
