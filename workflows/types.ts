/**
 * What the workflows own and their clients import: inputs, results, the task queue, ids
 * and signal names. Pure types and constants (the workflow sandbox imports this file).
 */
import type { Plan } from '../engine/compiler/plan';
import type { MemberGroup, SeqRange } from '../engine/runs/member-group';

export const TASK_QUEUE = 'stampflow';

/** A group of members about to run a step (or parked before it across continue-as-new). */
export interface StepToken {
  /** The step's node id (the canvas node, the plan step and `run_step_members.node_id`). */
  readonly nodeId: string;
  readonly group: MemberGroup;
  readonly range: SeqRange;
  /**
   * Quiet hours held the group's messages until then (epoch ms): carried along its path to
   * the next wait, and written on the deliveries it leads to. Absent: not held.
   */
  readonly heldUntil?: number | undefined;
}

/** A group inside a wait: when it started, when it ends, how many visitor batches left it. */
export interface WaitToken extends StepToken {
  readonly startedAt: number;
  readonly until: number;
  readonly batches: number;
}

/**
 * A token as runs parked it before `stepId` became `nodeId` (December 2026): the same
 * fields, the node id named `stepId`. Temporal keeps a continued run's input in its
 * history, so such runs still resume with these; read them through `currentToken`.
 */
export type LegacyToken<T extends StepToken> = Omit<T, 'nodeId'> & { readonly stepId: string; readonly nodeId?: undefined };

/** Where every group of a run stood when it continued as new. */
export interface Frontier {
  readonly steps: readonly (StepToken | LegacyToken<StepToken>)[];
  readonly waits: readonly (WaitToken | LegacyToken<WaitToken>)[];
  readonly members: number;
}

/** A parked token with its node id as `nodeId`, whichever code parked it. */
export function currentToken<T extends StepToken>(token: T | LegacyToken<T>): T {
  if (token.nodeId !== undefined) return token;
  const { stepId, ...rest } = token;
  return { ...rest, nodeId: stepId } as unknown as T;
}

/** What the run workflow receives. The audience is taken by the workflow itself. */
export interface RunWorkflowInput {
  readonly runId: string;
  readonly merchantId: string;
  readonly plan: Plan;
  /** Set when the run continued as new: pick up from here instead of entering members. */
  readonly resume?: Frontier;
  /** Continue as new once the history holds this many events (default 2,000). */
  readonly historyLimit?: number;
}

export interface RunResult {
  readonly members: number;
}

/** What a Temporal Schedule starts: the workflow opens its own run of the flow's latest version. */
export interface ScheduledFlowInput {
  readonly merchantId: string;
  readonly flowId: string;
  readonly historyLimit?: number;
}

/** The workflow id of a run started by the API or event intake: stable, so a start is never doubled. */
export function runWorkflowId(runId: string): string {
  return `run-${runId}`;
}

/** The Temporal Schedule of a flow with a scheduled trigger. */
export function flowScheduleId(flowId: string): string {
  return `flow-${flowId}`;
}

/** Sent to a run when one of its members visits, so a wait for a visit moves them at once. */
export const VISIT_SIGNAL = 'visit';

/** A wait for a visit is woken by the visit signal; without one it still looks this often. */
export const VISIT_POLL_MS = 60_000;
