import proto from '@temporalio/proto';

const { temporal } = proto;
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from './run-launcher';
import { duration, historyEntries } from './history-entries';

const T = temporal.api.enums.v1.EventType;
const at = (s: number) => ({ seconds: 1_750_000_000 + s, nanos: 0 });
const json = (value: unknown) => ({ payloads: [{ data: new TextEncoder().encode(JSON.stringify(value)) }] });

describe('historyEntries', () => {
  it('says which attempt of which step failed, and that Temporal records only the last start', () => {
    // Plain numbers for the protobuf Longs (seconds): the mapping reads either.
    const events = [
      {
        eventId: 5,
        eventTime: at(0),
        eventType: T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        activityTaskScheduledEventAttributes: {
          activityType: { name: 'processStep' },
          input: json({ runId: 'r', step: { id: 'push-1', kind: 'push' } }),
        },
      },
      {
        eventId: 6,
        eventTime: at(30),
        eventType: T.EVENT_TYPE_ACTIVITY_TASK_STARTED,
        activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 3, lastFailure: { message: 'Postmark 503' } },
      },
      {
        eventId: 7,
        eventTime: at(31),
        eventType: T.EVENT_TYPE_ACTIVITY_TASK_FAILED,
        activityTaskFailedEventAttributes: { scheduledEventId: 5, startedEventId: 6, failure: { message: 'Postmark 500' } },
      },
      {
        eventId: 8,
        eventTime: at(32),
        eventType: T.EVENT_TYPE_TIMER_STARTED,
        timerStartedEventAttributes: { timerId: '1', startToFireTimeout: { seconds: 5400, nanos: 0 } },
      },
      { eventId: 9, eventTime: at(33), eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, workflowExecutionSignaledEventAttributes: { signalName: 'visit' } },
    ] as unknown as HistoryEvent[];
    const entries = historyEntries({ runs: [{ runId: 'a', events }], truncated: false });
    expect(entries.map((e) => [e.type, e.category, e.summary])).toEqual([
      ['ActivityTaskScheduled', 'activity', 'processStep push-1 scheduled'],
      [
        'ActivityTaskStarted',
        'activity',
        "processStep push-1 started, attempt 3 (Temporal records only the last attempt's start; attempt 2 failed: Postmark 503)",
      ],
      ['ActivityTaskFailed', 'activity', 'processStep push-1 attempt 3 failed: Postmark 500'],
      ['TimerStarted', 'timer', 'Timer started: waits 1 h 30 min'],
      ['WorkflowExecutionSignaled', 'signal', 'Signal visit received: a member visited'],
    ]);
    expect(entries[2]).toMatchObject({ id: 7, run: 1, time: '2025-06-15T15:07:11.000Z', activityType: 'processStep', nodeId: 'push-1', attempt: 3, failure: 'Postmark 500' });
    expect(entries[3]).toMatchObject({ timerMs: 5_400_000 });
    expect(entries[4]).toMatchObject({ signalName: 'visit' });
  });

  it('formats durations in at most two units', () => {
    expect([duration(500), duration(8_000), duration(90_061_000)]).toEqual(['500 ms', '8 s', '1 d 1 h']);
  });
});
