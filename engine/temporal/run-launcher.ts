/**
 * Starts and cancels run workflows. The API inserts the run row first, then asks the
 * launcher to start its workflow; the workflow id is derived from the run id, so a
 * repeated start is rejected by Temporal instead of running the broadcast twice.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Plan } from '../flow/plan';

export const TASK_QUEUE = 'stampflow';

/** What the run workflow receives. The audience is snapshotted by the workflow itself. */
export interface RunWorkflowInput {
  readonly runId: string;
  readonly merchantId: string;
  readonly plan: Plan;
}

export interface RunLauncher {
  /** Starts the run's workflow; resolves once Temporal has accepted it. Idempotent per run. */
  start(input: RunWorkflowInput): Promise<{ workflowId: string }>;
  /** Requests cancellation; resolves even when the workflow has already finished. */
  cancel(workflowId: string): Promise<void>;
}

/** The workflow id of a run: stable, so starting twice cannot create two workflows. */
export function runWorkflowId(runId: string): string {
  return `run-${runId}`;
}

export function createRunLauncher(client: Client, taskQueue = TASK_QUEUE): RunLauncher {
  return {
    async start(input) {
      const workflowId = runWorkflowId(input.runId);
      try {
        await client.workflow.start('runFlow', { taskQueue, workflowId, args: [input] });
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
  };
}
