/**
 * Prints a run's activity timeline from its Temporal history (seconds from the start):
 * which step, which seq range, each attempt's outcome. For reading where a run spent its
 * time; `BENCH_TIMELINE=1` turns it on in the scenarios that use it.
 */
import type { Client } from '@temporalio/client';

export async function printTimeline(client: Client, workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) + (e.eventTime?.nanos ?? 0) / 1e9;
  const t0 = events[0] ? at(events[0]) : 0;
  const scheduled = new Map<string, { what: string; t: number }>();
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) {
      const payload = s.input?.payloads?.[0]?.data;
      const input = payload ? (JSON.parse(Buffer.from(payload).toString()) as { step?: { id?: string }; fromSeq?: number }) : {};
      scheduled.set(String(e.eventId), { what: `${s.activityType?.name} ${input.step?.id ?? ''} ${input.fromSeq ?? ''}`, t: at(e) });
    }
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (done) {
      const s = scheduled.get(String(done.scheduledEventId));
      const result = e.activityTaskCompletedEventAttributes ? 'ok' : e.activityTaskFailedEventAttributes ? 'failed' : 'timed out';
      process.stderr.write(`  ${(s ? s.t - t0 : 0).toFixed(1).padStart(6)}s → ${(at(e) - t0).toFixed(1).padStart(6)}s  ${s?.what ?? '?'}  ${result}\n`);
    }
  }
}
