/**
 * Segment step: decides `match` or `else` for each member once and records it, so a
 * retried page forwards members exactly as the first attempt decided.
 */
import { sql } from 'kysely';
import type { SegmentStep } from '../../engine/flow/plan';
import { matchesSegment } from '../audience/segment';
import type { StepContext } from './context';
import { loadRecipients, type MemberRow, type PageRef } from './members';

export async function decideSegment(ctx: StepContext, page: PageRef, step: SegmentStep): Promise<MemberRow[]> {
  const recipients = await loadRecipients(ctx.db, page);
  const now = new Date();
  const undecided = recipients.filter((r) => r.outcome === null);
  if (undecided.length > 0) {
    const seqs = undecided.map((r) => r.seq);
    const outcomes = undecided.map((r) => (matchesSegment(step, r, now, ctx.merchant.timezone) ? 'match' : 'else'));
    await sql`
      update run_step_members m set outcome = v.outcome
      from unnest(${seqs}::int[], ${outcomes}::text[]) as v(seq, outcome)
      where m.run_id = ${page.runId} and m.node_id = ${page.nodeId} and m.seq = v.seq and m.outcome is null`.execute(ctx.db);
  }
  // Read back: the stored decision wins over this attempt's.
  const decided = await sql<{ seq: number; customer_id: string; outcome: string }>`
    select seq, customer_id, outcome from run_step_members
    where run_id = ${page.runId} and node_id = ${page.nodeId} and seq >= ${page.fromSeq} and seq < ${page.toSeq}
    order by seq`.execute(ctx.db);
  return decided.rows.map((r) => ({ seq: r.seq, customerId: r.customer_id, outcome: r.outcome }));
}
