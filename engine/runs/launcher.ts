/**
 * The core's port to the durable runtime: what the use-cases (start a run, gather a cohort,
 * publish a scheduled flow, wake a waiting member, read a run's history) need from Temporal,
 * as an interface. The server layer implements it (`server/temporal/run-launcher.ts`); the
 * core never imports the Temporal client.
 */
import type { temporal } from '@temporalio/proto';
import type { Plan, PlanTrigger } from '../compiler/plan';

/** What a run needs to start: its row exists already (see `insertRun`). */
export interface RunStart {
  readonly runId: string;
  readonly merchantId: string;
  readonly plan: Plan;
}

/** A flow with a scheduled trigger, as its recurring schedule should be. */
export interface FlowSchedule {
  readonly flowId: string;
  readonly merchantId: string;
  readonly timeZone: string;
  readonly trigger: PlanTrigger;
  readonly paused: boolean;
}

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The events of each run of a workflow's chain, oldest first. */
export interface WorkflowHistory {
  readonly runs: readonly { readonly runId: string; readonly events: readonly HistoryEvent[] }[];
  /** True when the chain holds more than the events answered. */
  readonly truncated: boolean;
}

export const MAX_HISTORY_EVENTS = 5_000;

export interface RunLauncher {
  /** The durable id the run's workflow will have: stored on the run row before it starts. */
  workflowIdFor(runId: string): string;
  /** Starts the run's workflow; resolves once Temporal has accepted it. Idempotent per run. */
  start(input: RunStart): Promise<{ workflowId: string }>;
  /** Requests cancellation; resolves even when the workflow has already finished. */
  cancel(workflowId: string): Promise<void>;
  /** Tells a run that one of its members visited (a wait for a visit moves them at once). */
  signalVisit(workflowId: string): Promise<void>;
  /** Creates the flow's Schedule, or updates it to this version's timing; paused when asked. */
  syncSchedule(schedule: FlowSchedule): Promise<void>;
  /** Removes the flow's Schedule, if it has one. */
  removeSchedule(flowId: string): Promise<void>;
  /**
   * The workflow's raw history, its whole continue-as-new chain oldest run first, cut after
   * `maxEvents` (default {@link MAX_HISTORY_EVENTS}). Throws `WorkflowNotFoundError` for an
   * unknown workflow and the client's error when Temporal cannot be reached.
   */
  history(workflowId: string, options?: { maxEvents?: number }): Promise<WorkflowHistory>;
}
