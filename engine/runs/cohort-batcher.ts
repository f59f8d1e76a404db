/**
 * Event entry at scale: one workflow per event manages only tens of starts per second, so
 * pending entries (flow_entries with no run) are gathered into cohort runs instead — what
 * arrives for one flow version within a short window, or 1,000 entries, becomes one run.
 *
 * The API nudges the batcher after recording entries; a slow poll also picks up entries
 * another process recorded or left behind when it died. Claims use SKIP LOCKED, so several
 * API processes can batch at once without taking the same entries. A version whose start
 * Temporal refuses backs off alone (`start-failures.ts`): other merchants' entries go on.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { Plan } from '../compiler/plan';
import { log } from '../log';
import type { RunLauncher } from './launcher';
import { deleteRuns, insertRun } from './run-row';
import { clearStartFailure, recordStartFailure } from './start-failures';
import { RunStartRefused } from './start-refused';

export const COHORT_WINDOW_MS = 300;
/**
 * Entries per run. A burst claims full runs back to back, and each claim and start costs
 * about the same whatever its size: at 500, twenty clients posting batches outran the
 * claims and entries waited 0.8 s for a run (`bench/journeys`); 1,000 halves the claims and
 * is still two pages of one activity call.
 */
export const COHORT_MAX = 1_000;
const POLL_MS = 5_000;

export interface CohortBatcher {
  /** Entries were recorded: gather them into runs within the window. */
  nudge(entries: number): void;
  /** Starts the safety-net poll. */
  start(): void;
  /** Stops the poll and waits for a flush in progress. */
  stop(): Promise<void>;
  /** Gathers every pending entry into runs now; resolves with the runs started. */
  flush(): Promise<number>;
}

export function createCohortBatcher(ports: { db: Db; launcher: RunLauncher }, options: { windowMs?: number } = {}): CohortBatcher {
  const windowMs = options.windowMs ?? COHORT_WINDOW_MS;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let pending = 0;
  let flushing: Promise<number> | undefined;
  let again = false;

  const flush = (): Promise<number> => {
    if (flushing) {
      again = true;
      return flushing;
    }
    pending = 0;
    flushing = drain(ports)
      .catch((err: unknown) => {
        log.error('cohort batch failed', { err });
        return 0;
      })
      .finally(() => {
        flushing = undefined;
        if (again) {
          again = false;
          void flush();
        }
      });
    return flushing;
  };
  const schedule = (ms: number) => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
  };

  return {
    nudge(entries) {
      if (entries <= 0) return;
      pending += entries;
      if (pending >= COHORT_MAX) {
        clearTimeout(timer);
        timer = undefined;
        void flush();
      } else schedule(windowMs);
    },
    start() {
      poll ??= setInterval(() => void flush(), POLL_MS);
      void flush();
    },
    async stop() {
      clearInterval(poll);
      clearTimeout(timer);
      poll = timer = undefined;
      await flushing;
    },
    flush,
  };
}

/**
 * Turns the entries pending when it begins into runs, up to 1,000 per run. Entries that arrive
 * meanwhile wait for the window their own nudge opened: otherwise a busy stream of events
 * would become a stream of tiny runs, one per workflow start.
 */
async function drain(ports: { db: Db; launcher: RunLauncher }): Promise<number> {
  const cutoff = new Date();
  let started = 0;
  for (;;) {
    const batch = await claimBatch(ports.db, cutoff, (runId) => ports.launcher.workflowIdFor(runId));
    if (!batch) return started;
    try {
      await ports.launcher.start({ runId: batch.runId, merchantId: batch.merchantId, plan: batch.plan });
      if (batch.refusedBefore) await clearStartFailure(ports.db, batch.flowId, batch.version);
      started++;
    } catch (err) {
      if (!(err instanceof RunStartRefused)) {
        // Temporal is unreachable, for every flow alike: give the entries back and stop.
        await giveBack(ports.db, batch.runId, undefined);
        log.warn('cohort run start failed; entries stay pending', { flowId: batch.flowId, err });
        return started;
      }
      // Refused for this version only: it backs off, the other versions keep draining.
      const failures = await recordStartFailure(ports.db, batch.flowId, batch.version, err.message);
      await giveBack(ports.db, batch.runId, failures === 1 ? err.message : undefined);
      log.warn('cohort run refused; this flow version backs off', { flowId: batch.flowId, version: batch.version, failures, err });
    }
  }
}

/**
 * Returns a run's entries to pending. With `failedBecause` the run row stays, failed, with
 * the reason (the first refusal of a streak, so the run list says why); otherwise it goes.
 */
async function giveBack(db: Db, runId: string, failedBecause: string | undefined): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('flow_entries').set({ run_id: null }).where('run_id', '=', runId).where('cohort', '=', false).execute();
    if (failedBecause === undefined) await deleteRuns(trx, [runId]);
    else {
      await trx
        .updateTable('runs')
        .set({ status: 'failed', error: failedBecause, finished_at: new Date() })
        .where('id', '=', runId)
        .execute();
    }
  });
}

interface Batch {
  readonly runId: string;
  readonly merchantId: string;
  readonly flowId: string;
  readonly version: number;
  readonly plan: Plan;
  /** The version has a refusal on record (its back-off ran out): a start clears it. */
  readonly refusedBefore: boolean;
}

/**
 * Claims the oldest pending entries of one flow version (up to `cutoff`) for a new run row,
 * in one transaction. Versions backing off after a refused start are skipped.
 */
async function claimBatch(db: Db, cutoff: Date, workflowIdFor: (runId: string) => string): Promise<Batch | undefined> {
  return db.transaction().execute(async (trx) => {
    const oldest = await trx
      .selectFrom('flow_entries')
      .select(['flow_id', 'version', 'merchant_id'])
      .select(({ exists, selectFrom }) =>
        exists(
          selectFrom('flow_start_failures as f')
            .select('f.flow_id')
            .whereRef('f.flow_id', '=', 'flow_entries.flow_id')
            .whereRef('f.version', '=', 'flow_entries.version'),
        ).as('refused_before'),
      )
      .where('run_id', 'is', null)
      .where('created_at', '<=', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('flow_start_failures as f')
              .select('f.flow_id')
              .whereRef('f.flow_id', '=', 'flow_entries.flow_id')
              .whereRef('f.version', '=', 'flow_entries.version')
              .where('f.retry_at', '>', sql<Date>`now()`),
          ),
        ),
      )
      .orderBy('created_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!oldest) return undefined;
    const version = await trx
      .selectFrom('flow_versions')
      .select('plan')
      .where('flow_id', '=', oldest.flow_id)
      .where('version', '=', oldest.version)
      .executeTakeFirstOrThrow();
    const plan = version.plan;
    const runId = randomUUID();
    const run = { runId, workflowId: workflowIdFor(runId), merchantId: oldest.merchant_id, flowId: oldest.flow_id, version: oldest.version };
    await insertRun(trx, { ...run, plan, source: 'event' });
    await sql`
      update flow_entries set run_id = ${runId}
      where (flow_id, customer_id, entry_key) in (
        select flow_id, customer_id, entry_key from flow_entries
        where run_id is null and flow_id = ${oldest.flow_id} and version = ${oldest.version} and created_at <= ${cutoff}
        order by created_at limit ${COHORT_MAX}
        for update skip locked)`.execute(trx);
    return { ...run, plan, refusedBefore: Boolean(oldest.refused_before) };
  });
}
