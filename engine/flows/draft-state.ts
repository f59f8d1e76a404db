/**
 * A flow's draft against what customers live with: the changes not yet published and the
 * runs still going, per version (a run stays on the version it started with, so after a
 * publish its customers finish on the old one).
 */
import type { Db } from '../db/database';
import type { FlowGraph } from '../compiler/graph-schema';
import { draftChanges, type DraftChanges } from './draft-changes';

export interface VersionInFlight {
  readonly version: number;
  readonly runs: number;
  /** Customers the runs took in (some may have finished their path already). */
  readonly customers: number;
}

export interface DraftState {
  /** Null when the draft is the live version, or nothing is published. */
  readonly unpublishedChanges: DraftChanges | null;
  /** Runs not finished yet (scheduled, running), newest version first. */
  readonly inFlight: readonly VersionInFlight[];
}

/** The draft state of `flowId`, whose current draft is `draft`. */
export async function loadDraftState(db: Db, flowId: string, draft: FlowGraph): Promise<DraftState> {
  const [live, inFlight] = await Promise.all([
    db
      .selectFrom('flow_versions')
      .select('graph')
      .where('flow_id', '=', flowId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('runs')
      .select((eb) => ['version', eb.fn.countAll<string>().as('runs'), eb.fn.sum<string>('member_count').as('customers')])
      .where('flow_id', '=', flowId)
      .where('status', 'in', ['scheduled', 'running'])
      .groupBy('version')
      .orderBy('version', 'desc')
      .execute(),
  ]);
  return {
    unpublishedChanges: live ? draftChanges(live.graph as FlowGraph, draft) : null,
    inFlight: inFlight.map((r) => ({ version: r.version, runs: Number(r.runs), customers: Number(r.customers ?? 0) })),
  };
}
