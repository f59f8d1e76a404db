/**
 * Moves members from a node to its successors: one insert per successor, idempotent
 * (a retried page inserts nothing twice), so a member enters each node at most once.
 */
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { PageRef } from './members';

/**
 * Forwards the page's members whose recorded outcome is `outcome` (or every member when
 * `outcome` is null) to each of `targets`.
 */
export async function forwardMembers(
  db: Db,
  page: PageRef,
  targets: readonly string[],
  outcome: string | null,
): Promise<void> {
  const outcomeFilter = outcome === null ? sql`` : sql`and outcome = ${outcome}`;
  for (const target of targets) {
    await sql`
      insert into run_step_members (run_id, node_id, seq, customer_id)
      select run_id, ${target}, seq, customer_id from run_step_members
      where run_id = ${page.runId} and node_id = ${page.nodeId}
        and seq >= ${page.fromSeq} and seq < ${page.toSeq} ${outcomeFilter}
      on conflict do nothing`.execute(db);
  }
}
