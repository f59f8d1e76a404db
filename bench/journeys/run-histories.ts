import { Client, Connection } from '@temporalio/client';
import type { Db } from '../../engine/db/database';
import { percentile } from '../stats';

/**
 * Where a cohort run's time goes inside Temporal, from the histories of up to 40 of the
 * runs (evenly spread): the start (run row → workflow started), and per activity the wait
 * for a worker slot (scheduled → started), its execution, and the workflow task that
 * reacts to it (completed → next activity scheduled, or the workflow's end). Printed to stderr.
 */
export async function printRunHistories(db: Db, address: string, flowId: string): Promise<void> {
  const runs = await db
    .selectFrom('runs')
    .select(['workflow_id', 'created_at'])
    .where('flow_id', '=', flowId)
    .orderBy('created_at')
    .execute();
  const step = Math.max(1, Math.floor(runs.length / 40));
  const picked = runs.filter((_, i) => i % step === 0).slice(0, 40);
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const spans = new Map<string, number[]>();
    const add = (name: string, ms: number) => (spans.get(name) ?? spans.set(name, []).get(name)!).push(ms);
    for (const run of picked) {
      const history = await client.workflow.getHandle(run.workflow_id).fetchHistory();
      const events = history.events ?? [];
      const at = (e: (typeof events)[number]) =>
        Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
      const first = events[0];
      if (!first) continue;
      add('run row → workflow started', at(first) - run.created_at.getTime());
      const scheduled = new Map<string, { name: string; t: number }>();
      let reacted: { name: string; t: number } | undefined;
      for (const e of events) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s) {
          const name = s.activityType?.name ?? '?';
          scheduled.set(String(e.eventId), { name, t: at(e) });
          if (reacted) add(`  ${reacted.name} done → ${name} scheduled (workflow task)`, at(e) - reacted.t);
          else add(`  workflow started → ${name} scheduled (first workflow task)`, at(e) - at(first));
          reacted = undefined;
        }
        const started = e.activityTaskStartedEventAttributes;
        if (started) {
          const s0 = scheduled.get(String(started.scheduledEventId));
          if (s0) add(`  ${s0.name}: scheduled → started (slot, poll)`, at(e) - s0.t);
        }
        const done = e.activityTaskCompletedEventAttributes;
        if (done) {
          const s0 = scheduled.get(String(done.scheduledEventId));
          const startedAt = events.find((x) => String(x.eventId) === String(done.startedEventId));
          if (s0 && startedAt) add(`  ${s0.name}: started → completed (runs)`, at(e) - at(startedAt));
          if (s0) reacted = { name: s0.name, t: at(e) };
        }
        if (e.workflowExecutionCompletedEventAttributes) {
          if (reacted) add(`  ${reacted.name} done → workflow completed`, at(e) - reacted.t);
          add('workflow started → completed', at(e) - at(first));
        }
      }
    }
    process.stderr.write(`bench: inside Temporal, ${picked.length} of ${runs.length} cohort runs:\n`);
    for (const [name, values] of spans) {
      process.stderr.write(
        `  ${name.padEnd(62)} p50 ${percentile(values, 50).toFixed(0).padStart(5)} ms  p99 ${percentile(values, 99).toFixed(0).padStart(5)} ms\n`,
      );
    }
  } finally {
    await connection.close();
  }
}
