/**
 * A customer's journeys: every run they are or were in, newest first, with where they stand
 * in each. Six queries whatever the number of runs: the facts come from `journey-facts.ts`,
 * the walk over the plan from `journey-walk.ts`.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { RunSource, RunStatus } from '../db/schema';
import type { StepKind } from '../compiler/plan';
import { HOLDOUT_REASON } from '../results/holdout';
import { loadRunFacts } from './journey-facts';
import { walkJourney, type PathEnd, type Position } from './journey-walk';

/** Runs listed per customer; older ones are left out. */
export const MAX_JOURNEYS = 100;

export interface Journey {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string;
  readonly version: number;
  readonly runStatus: RunStatus;
  readonly source: RunSource;
  /** When the run started (its audience snapshot): the member entered then. */
  readonly enteredAt: Date;
  /**
   * Approximate: the exit's time for an exit rule, the run's end once it finished, else null
   * (runs record no per-member time for steps, so leaving a segment mid-run has none).
   */
  readonly leftAt: Date | null;
  /** Where the member is now; null once they left. */
  readonly currentStep: { readonly nodeId: string; readonly kind: StepKind; readonly waitingUntil: Date | null } | null;
  /**
   * Why and where the member left: a path end, `exit_rule:<rule>`, `holdout` (kept back at the
   * trigger to measure the flow), or the run's `cancelled`/`failed`.
   */
  readonly left: {
    readonly reason: PathEnd | `exit_rule:${string}` | typeof HOLDOUT_REASON | 'cancelled' | 'failed';
    readonly nodeId: string;
  } | null;
}

export type JourneysResult =
  { readonly kind: 'found'; readonly journeys: Journey[] } | { readonly kind: 'customer_not_found' };

/**
 * The customer's journeys, or `customer_not_found` when the customer is not the merchant's.
 *
 * @example
 * const result = await customerJourneys(db, merchantId, customerId);
 * if (result.kind === 'found') for (const j of result.journeys) show(j.flowName, j.currentStep);
 */
export async function customerJourneys(db: Db, merchantId: string, customerId: string): Promise<JourneysResult> {
  const customer = await db
    .selectFrom('customers')
    .select('id')
    .where('id', '=', customerId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!customer) return { kind: 'customer_not_found' };

  // The member's row at the trigger node is their place in the run's audience snapshot.
  const runs = await db
    .selectFrom('run_step_members as m')
    .innerJoin('runs as r', 'r.id', 'm.run_id')
    .innerJoin('flow_versions as v', (j) => j.onRef('v.flow_id', '=', 'r.flow_id').onRef('v.version', '=', 'r.version'))
    .innerJoin('flows as f', 'f.id', 'r.flow_id')
    .select(['r.id', 'r.flow_id', 'f.name', 'r.version', 'r.status', 'r.source', 'r.created_at', 'r.started_at'])
    .select(['r.finished_at', 'v.plan', 'm.seq'])
    .where('m.customer_id', '=', customerId)
    .where('r.merchant_id', '=', merchantId)
    .where(sql<boolean>`m.node_id = v.plan->>'triggerNodeId'`)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(MAX_JOURNEYS)
    .execute();
  if (runs.length === 0) return { kind: 'found', journeys: [] };

  const facts = await loadRunFacts(
    db,
    customerId,
    runs.map((r) => ({ runId: r.id, seq: r.seq })),
  );
  const journeys = runs.map((run): Journey => {
    const base = {
      runId: run.id,
      flowId: run.flow_id,
      flowName: run.name,
      version: run.version,
      runStatus: run.status,
      source: run.source,
      enteredAt: run.started_at ?? run.created_at,
    };
    const known = facts.get(run.id);
    if (!known) throw new Error(`no facts loaded for run ${run.id}`);
    if (known.exit?.reason === HOLDOUT_REASON) {
      const left = { reason: HOLDOUT_REASON, nodeId: known.exit.nodeId };
      return { ...base, leftAt: known.exit.at, currentStep: null, left };
    }
    if (known.exit) {
      const left = { reason: `exit_rule:${known.exit.reason}` as const, nodeId: known.exit.nodeId };
      return { ...base, leftAt: known.exit.at, currentStep: null, left };
    }
    return { ...base, ...place(walkJourney(run.plan, known), run.status, run.finished_at) };
  });
  return { kind: 'found', journeys };
}

/** The member's place from their position on the plan and the run's state. */
function place(
  position: Position,
  status: RunStatus,
  finishedAt: Date | null,
): Pick<Journey, 'leftAt' | 'currentStep' | 'left'> {
  if (status === 'scheduled' || status === 'running') {
    if (position.at === 'end')
      return { leftAt: null, currentStep: null, left: { reason: position.reason, nodeId: position.nodeId } };
    const { nodeId, kind, waitingUntil } = position;
    return { leftAt: null, currentStep: { nodeId, kind, waitingUntil }, left: null };
  }
  if (position.at === 'end')
    return { leftAt: finishedAt, currentStep: null, left: { reason: position.reason, nodeId: position.nodeId } };
  // The run ended before this step let the member go: they left with the run. A completed
  // run processed every step, so in practice this is a cancelled or failed one.
  const reason = status === 'completed' ? 'finished' : status;
  return { leftAt: finishedAt, currentStep: null, left: { reason, nodeId: position.nodeId } };
}
