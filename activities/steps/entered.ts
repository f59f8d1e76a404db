/**
 * The row that counts a page's members into a step (`run_step_pages`: one per page and
 * group, so a retried page counts once). A step that writes its page in one statement
 * writes this row in the same statement (as a `with` part), so the page and its count
 * commit together and cost one commit, not two.
 */
import { sql, type RawBuilder } from 'kysely';
import { groupKey, type PageRef } from './members';

/** The page's count as an insert statement, to run alone or as a data-modifying `with` part. */
export function enteredRow(nodeId: string, page: PageRef, entered: number): RawBuilder<unknown> {
  return sql`insert into run_step_pages (run_id, node_id, group_key, from_seq, entered)
    values (${page.runId}, ${nodeId}, ${groupKey(page.group)}, ${page.range.from}, ${entered})
    on conflict do nothing`;
}
