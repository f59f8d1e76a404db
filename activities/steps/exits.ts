/**
 * Exit rules: a member who visits, or redeems a reward, after entering a run with such a
 * rule leaves it at the next step. Before a step works on a page, its members who met a
 * rule are recorded in `run_exits` (once: the first step to notice is where they left), and
 * the page's queries leave them out from then on.
 */
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { ExitRule } from '../../engine/compiler/plan';
import type { PageRef } from './members';

/** Records the exits of a page's members; `since` is when the members entered the run. */
export async function recordExits(db: Db, page: PageRef, nodeId: string, rules: readonly ExitRule[], since: Date): Promise<void> {
  if (rules.length === 0) return;
  const g = page.group;
  const inGroup = g.outcome === null ? sql`true` : sql`m.outcome = ${g.outcome} and m.lane = ${g.lane ?? ''}`;
  const visit = rules.includes('visit');
  const redeemed = rules.includes('reward_redeemed');
  await sql`
    insert into run_exits (run_id, customer_id, node_id, reason)
    select m.run_id, m.customer_id, ${nodeId},
      case when ${visit} and c.last_visit_at > ${since} then 'visit' else 'reward_redeemed' end
    from run_step_members m
    join customers c on c.id = m.customer_id
    where m.run_id = ${page.runId} and m.node_id = ${g.nodeId}
      and m.seq >= ${page.range.from} and m.seq < ${page.range.to} and ${inGroup}
      and ((${visit} and c.last_visit_at > ${since})
        or (${redeemed} and exists (select 1 from events e
              where e.customer_id = m.customer_id and e.type = 'reward_redeemed' and e.at > ${since})))
    on conflict do nothing`.execute(db);
}
