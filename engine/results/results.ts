/**
 * A run's result, and a flow's summed over its runs: did it bring them back? Counts come
 * from SQL (`outcomes.ts`); lift, interval and verdict from `verdict.ts`.
 */
import type { Db } from '../db/database';
import { DEFAULT_GOAL, type Goal } from '../compiler/goal-schema';
import type { Plan } from '../compiler/plan';
import { loadMeasuredRuns, type MeasuredRun } from './measured-runs';
import { countOutcomes } from './outcomes';
import { measure, type Measured } from './verdict';

export interface Results extends Measured {
  readonly goal: Goal;
  /** The latest member's entry plus the window (null: a flow with no runs in range). */
  readonly windowEndsAt: Date | null;
}

export interface FlowResults extends Results {
  readonly runs: number;
}

/** The run's result; null when the merchant has no such run. */
export async function runResults(db: Db, merchantId: string, runId: string, now = new Date()): Promise<Results | null> {
  const runs = await loadMeasuredRuns(db, merchantId, { runId });
  const run = runs[0];
  if (!run) return null;
  return summarise(db, merchantId, runs, run.goal, now);
}

/**
 * The flow's result over its runs entered in [since, until); null when the merchant has no
 * such flow. The goal shown is the latest published version's (each run counts by its own).
 */
export async function flowResults(
  db: Db,
  merchantId: string,
  flowId: string,
  range: { readonly since: Date; readonly until: Date },
  now = new Date(),
): Promise<FlowResults | null> {
  const flow = await db
    .selectFrom('flows as f')
    .leftJoin('flow_versions as v', 'v.flow_id', 'f.id')
    .select('v.plan')
    .where('f.id', '=', flowId)
    .where('f.merchant_id', '=', merchantId)
    .orderBy('v.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!flow) return null;
  const goal = (flow.plan as Plan | null)?.trigger.goal ?? DEFAULT_GOAL;
  const runs = await loadMeasuredRuns(db, merchantId, { flowId, ...range });
  return { ...(await summarise(db, merchantId, runs, goal, now)), runs: runs.length };
}

async function summarise(db: Db, merchantId: string, runs: readonly MeasuredRun[], goal: Goal, now: Date): Promise<Results> {
  const counts = await countOutcomes(db, merchantId, runs);
  const last = Math.max(...runs.map((r) => r.windowEndsAt.getTime()));
  const windowEndsAt = runs.length > 0 ? new Date(last) : null;
  const keepsBack = runs.some((r) => r.holdoutPercent > 0) || counts.holdout.customers > 0;
  const ended = windowEndsAt !== null && windowEndsAt.getTime() <= now.getTime() && runs.every((r) => r.started);
  return { goal, windowEndsAt, ...measure(counts.treated, keepsBack ? counts.holdout : null, ended) };
}
