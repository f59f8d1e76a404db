/**
 * Segment step: decides `match` or `else` for each member of its group once and records
 * the decision as the segment's own group rows, which the steps after it read. A retried
 * page keeps the first decision.
 */
import { sql } from 'kysely';
import type { SegmentStep } from '../../engine/compiler/plan';
import { matchesSegment } from '../../engine/audience/segment';
import type { StepContext } from './context';
import { loadRecipients, type MemberRow, type PageRef } from './members';

export async function decideSegment(ctx: StepContext, page: PageRef, step: SegmentStep): Promise<MemberRow[]> {
  const recipients = await loadRecipients(ctx.db, page);
  if (recipients.length > 0) {
    const now = new Date();
    const seqs = recipients.map((r) => r.seq);
    const ids = recipients.map((r) => r.customerId);
    const outcomes = recipients.map((r) => (matchesSegment(step, r, now, ctx.merchant.timezone) ? 'match' : 'else'));
    await sql`
      insert into run_step_members (run_id, node_id, seq, customer_id, outcome, lane)
      select ${page.runId}, ${step.id}, v.seq, v.customer_id, v.outcome, ${page.group.lane ?? ''}
      from unnest(${seqs}::int[], ${ids}::uuid[], ${outcomes}::text[]) as v(seq, customer_id, outcome)
      on conflict do nothing`.execute(ctx.db);
  }
  // Read back: a decision recorded by an earlier attempt wins over this one.
  const decided = await sql<{ seq: number; customer_id: string; outcome: string }>`
    select seq, customer_id, outcome from run_step_members
    where run_id = ${page.runId} and node_id = ${step.id}
      and seq = any(${recipients.map((r) => r.seq)}::int[])
    order by seq`.execute(ctx.db);
  return decided.rows.map((r) => ({ seq: r.seq, customerId: r.customer_id, outcome: r.outcome }));
}
