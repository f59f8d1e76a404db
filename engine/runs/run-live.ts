/**
 * The one answer to "is the run still going?": a run whose row says `cancelled` or
 * `failed` has stopped, and its activities send nothing more (a `completed` run has no
 * pages left to send). As a pure check on a status, as SQL for a page's statement, and as a
 * query.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import type { RunStatus } from '../db/schema';

/** The statuses of a run that has stopped before its end: nothing more is sent for it. */
export const STOPPED: readonly RunStatus[] = ['cancelled', 'failed'];

/** True when the status (of a run row, or null for a missing one) says the run was stopped. */
export function hasStopped(status: string | null | undefined): boolean {
  return status != null && (STOPPED as readonly string[]).includes(status);
}

/**
 * One row when the run has not stopped, none when it has: a page's statement joins it
 * (`from live, …`), so a stopped run reads no members and writes nothing.
 */
export function liveRun(runId: string): RawBuilder<unknown> {
  return sql`select 1 from runs where id = ${runId} and status <> all(${[...STOPPED]}::text[])`;
}

/** True once the run is cancelled or failed (its row, written when the workflow closes). */
export async function runHasStopped(db: Db, runId: string): Promise<boolean> {
  const run = await db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
  return hasStopped(run?.status);
}
