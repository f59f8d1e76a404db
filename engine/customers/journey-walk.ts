/**
 * Where one member stands in a run, worked out from the plan and what the run recorded
 * about them. Pure: `journeys.ts` loads the facts, this walks the plan's DAG.
 *
 * Runs record little per member (see `RunStepMembersTable`): a segment's or wait-for-visit's
 * decision, and per page of 500 seqs that a step processed it. So the walk follows the
 * member's recorded decisions from `plan.entry` and stops at the first step that has not
 * processed them yet (or is holding them in a wait), or where their path ends.
 */
import type { Plan, Step, StepKind } from '../compiler/plan';

/** What the run recorded about one member. */
export interface MemberFacts {
  /** Decisions by node id: a segment's `match`/`else`, a wait-for-visit's `visited`/`timeout`. */
  readonly outcomes: ReadonlyMap<string, string>;
  /** Steps with a processed page covering the member's seq (waits: the member arrived). */
  readonly processed: ReadonlySet<string>;
  /** Wait steps holding the member now (an open `run_waits` row), and until when. */
  readonly waiting: ReadonlyMap<string, Date>;
}

/** Why a member's path ended (exits and ended runs are decided by the caller). */
export type PathEnd = 'finished' | 'not_in_segment' | 'no_match_path' | 'visited' | 'timed_out';

export type Position =
  | { readonly at: 'step'; readonly nodeId: string; readonly kind: StepKind; readonly waitingUntil: Date | null }
  | { readonly at: 'end'; readonly reason: PathEnd; readonly nodeId: string };

/**
 * The member's position. Where a step fans out to several successors the member walks
 * every branch: a branch still holding them wins over one that ended, otherwise the first
 * ended branch is answered. A step reached again by a converging branch is walked once.
 */
export function walkJourney(plan: Plan, facts: MemberFacts): Position {
  return walkAll(plan, facts, plan.entry, new Set()) ?? { at: 'end', reason: 'finished', nodeId: plan.triggerNodeId };
}

function walkAll(plan: Plan, facts: MemberFacts, ids: readonly string[], seen: Set<string>): Position | undefined {
  let ended: Position | undefined;
  for (const id of ids) {
    const step = plan.steps[id];
    if (seen.has(id) || step === undefined) continue;
    seen.add(id);
    const position = walkStep(plan, facts, step, seen);
    if (position?.at === 'step') return position;
    ended ??= position;
  }
  return ended;
}

function walkStep(plan: Plan, facts: MemberFacts, step: Step, seen: Set<string>): Position | undefined {
  const here = (waitingUntil: Date | null = null): Position => ({
    at: 'step',
    nodeId: step.id,
    kind: step.kind,
    waitingUntil,
  });
  const onwards = (next: readonly string[] | undefined, end: PathEnd): Position | undefined =>
    next && next.length > 0 ? walkAll(plan, facts, next, seen) : { at: 'end', reason: end, nodeId: step.id };

  if (step.kind === 'segment' || (step.kind === 'wait' && step.mode === 'untilVisit')) {
    const outcome = facts.outcomes.get(step.id);
    // Not decided yet: the member is at this step (waiting, when the wait holds them).
    if (outcome === undefined) return here(facts.waiting.get(step.id) ?? null);
    const next = (step.next as Readonly<Record<string, readonly string[]>>)[outcome];
    return onwards(next, endOf(outcome));
  }
  const until = facts.waiting.get(step.id);
  if (until !== undefined) return here(until);
  if (!facts.processed.has(step.id)) return here();
  return onwards(step.next.next, 'finished');
}

function endOf(outcome: string): PathEnd {
  switch (outcome) {
    case 'match':
      return 'no_match_path';
    case 'else':
      return 'not_in_segment';
    case 'visited':
      return 'visited';
    case 'timeout':
      return 'timed_out';
    default:
      return 'finished';
  }
}
