/**
 * The runs a result is measured over, each with what the measurement needs from its
 * pinned version: the trigger node (where members enter and held-out ones leave), the goal,
 * when its members entered and when their window ends.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { DEFAULT_GOAL, type Goal } from '../compiler/goal-schema';
import type { Plan } from '../compiler/plan';

export interface MeasuredRun {
  readonly id: string;
  readonly flowId: string;
  readonly triggerNodeId: string;
  readonly goal: Goal;
  /** The flow keeps members back (plans before results never did). */
  readonly holdoutPercent: number;
  /** When the members entered (the snapshot); the planned start for a run not started yet. */
  readonly enteredAt: Date;
  readonly started: boolean;
  /** Members who entered (the snapshot's size), kept back or not. */
  readonly memberCount: number;
  readonly windowEndsAt: Date;
  /** Frozen counts once retention dropped the run's per-member rows (`run_summaries`), else null. */
  readonly summary: RunSummary | null;
}

/** What retention keeps of a run: its result's counts and its message steps' counts. */
export interface RunSummary {
  readonly held: number;
  readonly converted: number;
  readonly held_converted: number;
  readonly steps: readonly { readonly nodeId: string; readonly got: number; readonly cameBack: number }[];
}

/** Which runs: one run, or a flow's runs entered in [since, until). Always one merchant's. */
export type RunScope =
  | { readonly runId: string }
  | { readonly flowId: string; readonly since: Date; readonly until: Date };

const DAY_MS = 86_400_000;

/** The merchant's runs in `scope`, oldest first; empty when there are none (or not theirs). */
export async function loadMeasuredRuns(db: Db, merchantId: string, scope: RunScope): Promise<MeasuredRun[]> {
  let query = db
    .selectFrom('runs as r')
    .innerJoin('flow_versions as v', (j) => j.onRef('v.flow_id', '=', 'r.flow_id').onRef('v.version', '=', 'r.version'))
    .leftJoin('run_summaries as s', 's.run_id', 'r.id')
    .select(['r.id', 'r.flow_id', 'r.started_at', 'r.send_at', 'r.created_at', 'r.member_count'])
    .select(['s.held', 's.converted', 's.held_converted', 's.steps'])
    .select(sql<Plan['trigger']>`v.plan->'trigger'`.as('trigger'))
    .select(sql<string>`v.plan->>'triggerNodeId'`.as('trigger_node_id'))
    .where('r.merchant_id', '=', merchantId);
  if ('runId' in scope) {
    query = query.where('r.id', '=', scope.runId);
  } else {
    // Runs by when their members entered (runs_merchant_flow narrows to the flow's runs).
    query = query
      .where('r.flow_id', '=', scope.flowId)
      .where('r.started_at', '>=', scope.since)
      .where('r.started_at', '<', scope.until);
  }
  const rows = await query.orderBy('r.started_at').orderBy('r.id').execute();
  return rows.map((r) => {
    const goal = r.trigger.goal ?? DEFAULT_GOAL;
    const enteredAt = r.started_at ?? r.send_at ?? r.created_at;
    return {
      id: r.id,
      flowId: r.flow_id,
      triggerNodeId: r.trigger_node_id,
      goal,
      holdoutPercent: r.trigger.holdoutPercent ?? 0,
      enteredAt,
      started: r.started_at !== null,
      memberCount: r.member_count,
      windowEndsAt: new Date(enteredAt.getTime() + goal.withinDays * DAY_MS),
      summary:
        r.held === null || r.converted === null || r.held_converted === null
          ? null
          : { held: r.held, converted: r.converted, held_converted: r.held_converted, steps: r.steps ?? [] },
    };
  });
}
