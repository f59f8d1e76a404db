/**
 * A run's Temporal history in plain words, for the run inspector: each raw event of the
 * workflow's continue-as-new chain becomes one entry with a category and a summary such as
 * "processStep push-1 attempt 3 failed: Postmark 500". Pure: the events are read by
 * `RunLauncher.history`.
 *
 * Temporal writes an activity's `ActivityTaskStarted` only once the activity completes or
 * fails for good, with the last attempt's number (earlier attempts leave no events; the
 * started event carries the failure of the attempt before it). The summaries say so.
 */
import proto, { type temporal as protos } from '@temporalio/proto';

// A CommonJS module: Node's ESM loader cannot see its named exports, so take the default.
const { temporal } = proto;
import type { HistoryEvent, WorkflowHistory } from './run-launcher';

export type HistoryCategory = 'workflow' | 'activity' | 'timer' | 'signal' | 'continue_as_new' | 'other';

export interface HistoryEntry {
  /** The event id within its run (ids start at 1 again in each run of the chain). */
  readonly id: number;
  /** Which run of the chain, from 1. */
  readonly run: number;
  readonly time: string;
  /** The event type without its prefix, e.g. `ActivityTaskScheduled`. */
  readonly type: string;
  readonly category: HistoryCategory;
  readonly summary: string;
  readonly activityType?: string;
  /** The flow step an activity worked on, when its input names one. */
  readonly nodeId?: string;
  readonly attempt?: number;
  readonly failure?: string;
  readonly timerMs?: number;
  readonly signalName?: string;
}

/** What a scheduled activity was, for the events that name it only by id. */
interface Scheduled {
  readonly activityType: string;
  /** The node the activity works on, when its input names one. */
  readonly subject: string | undefined;
}

/** Maps a chain's events to entries, oldest first. */
export function historyEntries(history: WorkflowHistory): HistoryEntry[] {
  return history.runs.flatMap(({ events }, i) => runEntries(events, i + 1));
}

function runEntries(events: readonly HistoryEvent[], run: number): HistoryEntry[] {
  const scheduled = new Map<number, Scheduled>();
  const attempts = new Map<number, number>();
  const timers = new Map<number, number>();
  return events.map((event) => {
    const id = Number(event.eventId ?? 0);
    const base = { id, run, time: new Date(tsToMs(event.eventTime)).toISOString(), type: typeName(event.eventType) };
    const entry = describe(event, id, { scheduled, attempts, timers });
    return { ...base, ...entry };
  });
}

type Described = Omit<HistoryEntry, 'id' | 'run' | 'time' | 'type'>;

function describe(
  e: HistoryEvent,
  id: number,
  seen: { scheduled: Map<number, Scheduled>; attempts: Map<number, number>; timers: Map<number, number> },
): Described {
  const activity = (scheduledId: unknown) => seen.scheduled.get(Number(scheduledId ?? 0)) ?? { activityType: 'activity', subject: undefined };
  const label = (a: Scheduled) => (a.subject ? `${a.activityType} ${a.subject}` : a.activityType);
  const node = (a: Scheduled) => (a.subject ? { nodeId: a.subject } : {});
  if (e.workflowExecutionStartedEventAttributes) {
    const a = e.workflowExecutionStartedEventAttributes;
    const continued = a.continuedExecutionRunId ? ', continuing the run before it' : '';
    return { category: 'workflow', summary: `Workflow ${a.workflowType?.name ?? ''} started${continued}`.replace('  ', ' ') };
  }
  if (e.activityTaskScheduledEventAttributes) {
    const a = e.activityTaskScheduledEventAttributes;
    const s = { activityType: a.activityType?.name ?? 'activity', subject: subjectOf(a.input?.payloads?.[0]?.data) };
    seen.scheduled.set(id, s);
    return { category: 'activity', activityType: s.activityType, ...node(s), summary: `${label(s)} scheduled` };
  }
  if (e.activityTaskStartedEventAttributes) {
    const a = e.activityTaskStartedEventAttributes;
    const s = activity(a.scheduledEventId);
    const attempt = a.attempt ?? 1;
    seen.attempts.set(id, attempt);
    const before = a.lastFailure?.message;
    const note =
      attempt > 1
        ? ` (Temporal records only the last attempt's start; attempt ${attempt - 1} failed${before ? `: ${before}` : ''})`
        : '';
    return {
      category: 'activity',
      activityType: s.activityType, ...node(s),
      attempt,
      ...(before ? { failure: before } : {}),
      summary: `${label(s)} started, attempt ${attempt}${note}`,
    };
  }
  if (e.activityTaskCompletedEventAttributes) {
    const a = e.activityTaskCompletedEventAttributes;
    const s = activity(a.scheduledEventId);
    const attempt = seen.attempts.get(Number(a.startedEventId ?? 0));
    const after = attempt !== undefined && attempt > 1 ? ` after ${attempt} attempts` : '';
    return { category: 'activity', activityType: s.activityType, ...node(s), ...(attempt ? { attempt } : {}), summary: `${label(s)} completed${after}` };
  }
  if (e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes) {
    const a = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    const s = activity(a?.scheduledEventId);
    const attempt = seen.attempts.get(Number(e.activityTaskFailedEventAttributes?.startedEventId ?? 0));
    const failure = failureText(a?.failure);
    const how = e.activityTaskFailedEventAttributes ? 'failed' : 'timed out';
    const which = attempt !== undefined ? ` attempt ${attempt}` : '';
    return {
      category: 'activity',
      activityType: s.activityType, ...node(s),
      ...(attempt ? { attempt } : {}),
      failure,
      summary: `${label(s)}${which} ${how}: ${failure}`,
    };
  }
  if (e.activityTaskCancelRequestedEventAttributes || e.activityTaskCanceledEventAttributes) {
    const s = activity((e.activityTaskCancelRequestedEventAttributes ?? e.activityTaskCanceledEventAttributes)?.scheduledEventId);
    const what = e.activityTaskCanceledEventAttributes ? 'cancelled' : 'cancellation requested';
    return { category: 'activity', activityType: s.activityType, ...node(s), summary: `${label(s)} ${what}` };
  }
  if (e.timerStartedEventAttributes) {
    const timerMs = tsToMs(e.timerStartedEventAttributes.startToFireTimeout);
    seen.timers.set(id, timerMs);
    return { category: 'timer', timerMs, summary: `Timer started: waits ${duration(timerMs)}` };
  }
  if (e.timerFiredEventAttributes) {
    const timerMs = seen.timers.get(Number(e.timerFiredEventAttributes.startedEventId ?? 0));
    return { category: 'timer', ...(timerMs !== undefined ? { timerMs } : {}), summary: timerMs !== undefined ? `Timer fired after ${duration(timerMs)}` : 'Timer fired' };
  }
  if (e.timerCanceledEventAttributes) return { category: 'timer', summary: 'Timer cancelled (the wait ended early)' };
  if (e.workflowExecutionSignaledEventAttributes) {
    const signalName = e.workflowExecutionSignaledEventAttributes.signalName ?? '';
    return { category: 'signal', signalName, summary: `Signal ${signalName} received${signalName === 'visit' ? ': a member visited' : ''}` };
  }
  if (e.workflowExecutionContinuedAsNewEventAttributes) {
    const next = e.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId ?? '';
    return { category: 'continue_as_new', summary: `Continued as new in run ${next} (history was getting long)` };
  }
  if (e.markerRecordedEventAttributes) return marker(e.markerRecordedEventAttributes);
  return workflowEvent(e);
}

/** Workflow task and workflow end events; anything else is `other`. */
function workflowEvent(e: HistoryEvent): Described {
  if (e.workflowExecutionCompletedEventAttributes) return { category: 'workflow', summary: 'Workflow completed' };
  if (e.workflowExecutionFailedEventAttributes) {
    const failure = failureText(e.workflowExecutionFailedEventAttributes.failure);
    return { category: 'workflow', failure, summary: `Workflow failed: ${failure}` };
  }
  if (e.workflowExecutionCancelRequestedEventAttributes) return { category: 'workflow', summary: 'Cancellation requested' };
  if (e.workflowExecutionCanceledEventAttributes) return { category: 'workflow', summary: 'Workflow cancelled' };
  if (e.workflowExecutionTerminatedEventAttributes) {
    const reason = e.workflowExecutionTerminatedEventAttributes.reason;
    return { category: 'workflow', summary: `Workflow terminated${reason ? `: ${reason}` : ''}` };
  }
  if (e.workflowExecutionTimedOutEventAttributes) return { category: 'workflow', summary: 'Workflow timed out' };
  if (e.workflowTaskFailedEventAttributes) {
    const failure = failureText(e.workflowTaskFailedEventAttributes.failure);
    return { category: 'workflow', failure, summary: `Workflow task failed: ${failure}` };
  }
  const type = typeName(e.eventType);
  if (type.startsWith('WorkflowTask')) return { category: 'workflow', summary: `Workflow task ${type.slice('WorkflowTask'.length).toLowerCase()}` };
  return { category: 'other', summary: words(type) };
}

/** Local activities (run bookkeeping) and version markers. */
function marker(m: protos.api.history.v1.IMarkerRecordedEventAttributes): Described {
  if (m.markerName === 'core_local_activity') {
    const data = decode(m.details?.['data']?.payloads?.[0]?.data) as { activity_type?: string; attempt?: number } | undefined;
    const activityType = data?.activity_type ?? 'local activity';
    const attempt = data?.attempt;
    if (m.failure) {
      const failure = failureText(m.failure);
      return { category: 'activity', activityType, ...(attempt ? { attempt } : {}), failure, summary: `${activityType} (local) failed: ${failure}` };
    }
    return { category: 'activity', activityType, ...(attempt ? { attempt } : {}), summary: `${activityType} (local) completed` };
  }
  if (m.markerName === 'core_patch') return { category: 'other', summary: 'Version marker recorded' };
  return { category: 'other', summary: `Marker ${m.markerName ?? ''} recorded` };
}

/** The failure's message with its causes: "Activity task failed: Postmark 500". */
function failureText(failure: protos.api.failure.v1.IFailure | null | undefined): string {
  const parts: string[] = [];
  for (let f = failure; f && parts.length < 4; f = f.cause) if (f.message) parts.push(f.message);
  return parts.join(': ') || 'unknown failure';
}

/**
 * The node an activity works on: `step.id` of a processStep input, else its `nodeId`, or
 * `stepId` as inputs scheduled before December 2026 named it.
 */
function subjectOf(data: Uint8Array | null | undefined): string | undefined {
  const input = decode(data) as { step?: { id?: unknown }; nodeId?: unknown; stepId?: unknown } | undefined;
  const subject = input?.step?.id ?? input?.nodeId ?? input?.stepId;
  return typeof subject === 'string' ? subject : undefined;
}

function decode(data: Uint8Array | null | undefined): unknown {
  if (!data) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `ActivityTaskScheduled`. */
function typeName(type: protos.api.enums.v1.EventType | null | undefined): string {
  const name = temporal.api.enums.v1.EventType[type ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** `WorkflowPropertiesModified` → `Workflow properties modified`. */
function words(type: string): string {
  const spaced = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A protobuf Timestamp or Duration in milliseconds (its seconds are a Long from the client, a number in tests). */
function tsToMs(ts: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds?.toString() ?? 0);
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** 90000 → "1 min 30 s"; 86400000 → "1 d". */
export function duration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.length > 0 ? parts.slice(0, 2).join(' ') : `${ms} ms`;
}
