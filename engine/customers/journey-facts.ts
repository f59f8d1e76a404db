/**
 * What runs recorded about one customer, for `walkJourney`: their decisions, the pages that
 * covered them, the waits holding them and their exits. Four queries for any number of runs.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { MemberFacts } from './journey-walk';

/** Members per `run_step_pages` row: a page from `from_seq` covers [from_seq, from_seq + 500). */
const PAGE_SIZE = 500;

/** The customer's place in a run's audience snapshot. */
export interface Membership {
  readonly runId: string;
  readonly seq: number;
}

/** An exit rule the member met: they left the run at `nodeId`. */
export interface MemberExit {
  readonly nodeId: string;
  readonly reason: string;
  readonly at: Date;
}

export interface RunFacts extends MemberFacts {
  readonly exit: MemberExit | undefined;
}

/**
 * The facts of each membership, keyed by run id. A page "covers" the member when its
 * `from_seq` is at most 500 below their seq, whatever group it read: pages are 500 seqs.
 */
export async function loadRunFacts(
  db: Db,
  customerId: string,
  memberships: readonly Membership[],
): Promise<Map<string, RunFacts>> {
  const runIds = memberships.map((m) => m.runId);
  if (runIds.length === 0) return new Map();
  const [decisions, pages, waits, exits] = await Promise.all([
    db
      .selectFrom('run_step_members')
      .select(['run_id', 'node_id', 'outcome'])
      .where('customer_id', '=', customerId)
      .where('run_id', 'in', runIds)
      .where('outcome', 'is not', null)
      .execute(),
    sql<Page>`
      select p.run_id, p.node_id, p.group_key
      from run_step_pages p
      join unnest(${runIds}::uuid[], ${memberships.map((m) => m.seq)}::int[]) as u(run_id, seq)
        on p.run_id = u.run_id and p.from_seq <= u.seq and p.from_seq > u.seq - ${PAGE_SIZE}`
      .execute(db)
      .then((r) => r.rows),
    db
      .selectFrom('run_waits')
      .select(['run_id', 'node_id', 'group_key', 'until', 'finished_at'])
      .where('run_id', 'in', runIds)
      .execute(),
    db
      .selectFrom('run_exits')
      .select(['run_id', 'node_id', 'reason', 'at'])
      .where('customer_id', '=', customerId)
      .where('run_id', 'in', runIds)
      .execute(),
  ]);
  const byRun = new Map<string, RunFacts>();
  for (const runId of runIds) {
    const runPages = pages.filter((p) => p.run_id === runId);
    const exit = exits.find((e) => e.run_id === runId);
    byRun.set(runId, {
      outcomes: new Map(decisions.filter((d) => d.run_id === runId).map((d) => [d.node_id, d.outcome ?? ''])),
      processed: new Set(runPages.map((p) => p.node_id)),
      waiting: openWaits(
        runPages,
        waits.filter((w) => w.run_id === runId),
      ),
      exit: exit && { nodeId: exit.node_id, reason: exit.reason, at: exit.at },
    });
  }
  return byRun;
}

interface Page {
  node_id: string;
  run_id: string;
  group_key: string;
}

interface Wait {
  node_id: string;
  group_key: string;
  until: Date;
  finished_at: Date | null;
}

/**
 * Wait steps holding the member: an open `run_waits` row for a group the member arrived
 * in. When no row names one of those groups, any open row of the step counts.
 */
function openWaits(pages: readonly Page[], waits: readonly Wait[]): Map<string, Date> {
  const open = new Map<string, Date>();
  for (const nodeId of new Set(pages.map((p) => p.node_id))) {
    const groups = new Set(pages.filter((p) => p.node_id === nodeId).map((p) => p.group_key));
    const atNode = waits.filter((w) => w.node_id === nodeId);
    const mine = atNode.filter((w) => groups.has(w.group_key));
    const until = (mine.length > 0 ? mine : atNode)
      .filter((w) => w.finished_at === null)
      .map((w) => w.until)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    if (until) open.set(nodeId, until);
  }
  return open;
}
