/**
 * The one shape of "some members of a run" from the workflow down to SQL: a group of
 * `run_step_members` rows (which step and outcome they are at) and a range of their seqs.
 * Pure types and one helper: the workflow sandbox imports this file.
 */

/**
 * The members a step works on: rows of `run_step_members` at `nodeId` — the audience
 * snapshot (at the trigger, outcome null) or one outcome of a segment or a wait-for-visit —
 * in one `lane` (visitors of a wait-for-visit go on in batches, each its own lane).
 */
export interface MemberGroup {
  readonly nodeId: string;
  readonly outcome: string | null;
  readonly lane?: string;
}

/** A stable name for a group, for counting what each step read. */
export function groupKey(group: MemberGroup): string {
  const key = `${group.nodeId}:${group.outcome ?? ''}`;
  return group.lane ? `${key}:${group.lane}` : key;
}

/** A half-open range of member seqs, [from, to). */
export interface SeqRange {
  readonly from: number;
  readonly to: number;
}
