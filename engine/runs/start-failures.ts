/**
 * Flow versions whose runs Temporal refuses to start. The cohort batcher records each
 * refusal here and skips the version until `retry_at` (backing off up to an hour), so one
 * merchant's broken flow never stops other merchants' journeys; the flow's status reads it
 * back to tell the owner why the flow is not running.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

const FIRST_BACKOFF_SECONDS = 30;
const MAX_BACKOFF_SECONDS = 60 * 60;

/** Why a flow's runs are not starting, as the flow's status shows it. */
export interface StartProblem {
  readonly version: number;
  readonly message: string;
  readonly failures: number;
  readonly since: Date;
  readonly nextTryAt: Date;
}

/**
 * Records a refusal of `version`'s run and answers how many refusals in a row it has had
 * (1 for the first: the caller keeps that run as failed, with the reason, for the record).
 */
export async function recordStartFailure(db: Db, flowId: string, version: number, reason: string): Promise<number> {
  const row = await db
    .insertInto('flow_start_failures')
    .values({ flow_id: flowId, version, reason, retry_at: sql<Date>`now() + make_interval(secs => ${FIRST_BACKOFF_SECONDS})` })
    .onConflict((oc) =>
      oc.columns(['flow_id', 'version']).doUpdateSet({
        reason,
        failures: sql<number>`flow_start_failures.failures + 1`,
        last_failed_at: sql<Date>`now()`,
        retry_at: sql<Date>`now() + make_interval(secs => least(${MAX_BACKOFF_SECONDS}, ${FIRST_BACKOFF_SECONDS} * power(2, flow_start_failures.failures)))`,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return row.failures;
}

/** A run of `version` started: it no longer backs off. */
export async function clearStartFailure(db: Db, flowId: string, version: number): Promise<void> {
  await db.deleteFrom('flow_start_failures').where('flow_id', '=', flowId).where('version', '=', version).execute();
}

/** The start problem of the flow's newest failing version, if any. */
export async function startProblem(db: Db, flowId: string): Promise<StartProblem | undefined> {
  const row = await db
    .selectFrom('flow_start_failures')
    .selectAll()
    .where('flow_id', '=', flowId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, message: row.reason, failures: row.failures, since: row.first_failed_at, nextTryAt: row.retry_at };
}
