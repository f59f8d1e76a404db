/**
 * The run's history as the owner reads it: what the run did and when ("10:00:02 Sent
 * Push “Coffee's waiting ☕”, second try after: Postmark 503"), from the raw events the API
 * gives (`GET /v1/runs/:id/history`). Bookkeeping events (workflow tasks, markers, scheduling)
 * say nothing to an owner and are left out; they stay in the raw list behind "Technical details".
 */

export interface TimelineEvent {
  readonly id: number;
  readonly run: number;
  readonly time: string;
  readonly type: string;
  readonly category: string;
  readonly activityType?: string | undefined;
  readonly nodeId?: string | undefined;
  readonly attempt?: number | undefined;
  readonly failure?: unknown;
  readonly timerMs?: number | undefined;
  readonly signalName?: string | undefined;
}

export interface TimelineItem {
  readonly key: string;
  readonly time: string;
  readonly text: string;
  /** Something went wrong here (a failed try, a failed run). */
  readonly problem: boolean;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];
const ordinal = (n: number) => ORDINALS[n - 1] ?? `${n}th`;

/** 90000 → "1 minute 30 seconds"-ish, short: "2 days", "3 hours", "45 seconds". */
export function spokenDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) {
      const n = Math.round(ms / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return 'a moment';
}

/**
 * The readable timeline of `events`; `stepName` names a flow step by what it does.
 *
 * @example
 * readableTimeline(events, (id) => stepLabel(graph, id)) // [{ text: 'The run started', … }, …]
 */
export function readableTimeline(
  events: readonly TimelineEvent[],
  stepName: (nodeId: string) => string,
  failureText: (failure: unknown) => string | undefined,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  const add = (e: TimelineEvent, text: string, problem = false) =>
    items.push({ key: `${e.run}-${e.id}`, time: e.time, text, problem });
  for (const e of events) {
    const failure = failureText(e.failure);
    const step = e.nodeId ? stepName(e.nodeId) : undefined;
    switch (e.type) {
      case 'WorkflowExecutionStarted':
        if (e.run === 1) add(e, 'The run started');
        break;
      case 'ActivityTaskStarted':
        // Temporal records only the last try's start; an earlier failed try shows here.
        if (e.attempt && e.attempt > 1 && step)
          add(e, `${step}: ${ordinal(e.attempt)} try${failure ? ` after: ${failure}` : ''}`, true);
        break;
      case 'ActivityTaskCompleted':
        if (e.activityType === 'snapshotAudience') add(e, 'Found the customers this run is for');
        else if (step) add(e, `Done: ${step}${e.attempt && e.attempt > 1 ? ` (on the ${ordinal(e.attempt)} try)` : ''}`);
        break;
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
        add(e, `${step ?? 'A step'} did not finish${failure ? `: ${failure}` : ''}`, true);
        break;
      case 'TimerStarted':
        if (e.timerMs !== undefined) add(e, `Waiting ${spokenDuration(e.timerMs)}`);
        break;
      case 'TimerFired':
        add(e, 'The wait is over');
        break;
      case 'WorkflowExecutionSignaled':
        if (e.signalName === 'visit') add(e, 'A customer who was waiting visited the shop');
        break;
      case 'WorkflowExecutionCompleted':
        add(e, 'The run finished');
        break;
      case 'WorkflowExecutionFailed':
        add(e, `The run stopped with an error${failure ? `: ${failure}` : ''}`, true);
        break;
      case 'WorkflowExecutionCanceled':
      case 'WorkflowExecutionTerminated':
        add(e, 'The run was stopped');
        break;
      default:
        break;
    }
  }
  return items;
}
