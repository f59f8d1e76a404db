import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import { mean, percentile } from '../stats';

/**
 * Where the time goes, per customer, from the rows the stages leave: the event (`at`, set
 * by the handler after auth), its entry (`created_at`: the event transaction's start), the
 * cohort run (`created_at`: the batcher's claim; `started_at`: the audience snapshot in the
 * worker) and the push row. Printed to stderr, not recorded.
 */
export async function printStages(db: Db, flowId: string, sentAt: ReadonlyMap<string, number>): Promise<void> {
  const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
  const { rows: all } = await sql<{
    customer_id: string;
    event: number;
    entry: number;
    claimed: number;
    started: number;
    pushed: number;
    finished: number | null;
  }>`
    select fe.customer_id, ${ms('e.at')} as event, ${ms('fe.created_at')} as entry, ${ms('r.created_at')} as claimed,
      ${ms('r.started_at')} as started, ${ms('d.updated_at')} as pushed, ${ms('r.finished_at')} as finished
    from flow_entries fe
    join events e on fe.entry_key = 'event:' || e.id
    join runs r on r.id = fe.run_id
    join deliveries d on d.run_id = r.id and d.customer_id = fe.customer_id and d.channel = 'push'
    where fe.flow_id = ${flowId}`.execute(db);
  // Only the customers of this phase (the single-event phase follows the batch phase).
  const rows = all.filter((r) => sentAt.has(r.customer_id));
  const stage = (name: string, values: number[]) =>
    process.stderr.write(
      `  ${name.padEnd(44)} p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(values, 99).toFixed(1).padStart(7)} ms  max ${Math.max(
        ...values,
      )
        .toFixed(1)
        .padStart(7)} ms\n`,
    );
  process.stderr.write('bench: journeys stages per customer:\n');
  stage(
    'POST → handler (HTTP, auth)',
    rows.map((r) => r.event - sentAt.get(r.customer_id)!),
  );
  stage(
    'handler → event transaction start',
    rows.map((r) => r.entry - r.event),
  );
  stage(
    'entry → cohort run claimed (batcher)',
    rows.map((r) => r.claimed - r.entry),
  );
  stage(
    'claimed → snapshot (workflow start, activity)',
    rows.map((r) => r.started - r.claimed),
  );
  stage(
    'snapshot → push recorded',
    rows.map((r) => r.pushed - r.started),
  );
  stage(
    'POST → push recorded',
    rows.map((r) => r.pushed - sentAt.get(r.customer_id)!),
  );
  const runs = await sql<{ members: number; seconds: number }>`
    select member_count as members, extract(epoch from finished_at - created_at)::float8 as seconds from runs where flow_id = ${flowId}`.execute(
    db,
  );
  const members = runs.rows.map((r) => r.members);
  process.stderr.write(
    `bench: ${runs.rows.length} cohort runs, members min ${Math.min(...members)} / mean ${mean(members).toFixed(0)} / max ${Math.max(...members)}; ` +
      `run created → finished p50 ${(
        percentile(
          runs.rows.map((r) => r.seconds),
          50,
        ) * 1000
      ).toFixed(0)} ms\n`,
  );
}
