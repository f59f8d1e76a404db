/**
 * Waits: when a group of members begins a wait it is recorded in `run_waits` with the time
 * it ends (so a run's report says who waits where, and until when); a wait for a visit moves
 * its visitors on in batches and the rest by `timeout`. Every function is idempotent: a
 * retried activity finds its earlier work and answers the same.
 */
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { WaitStep } from '../../engine/compiler/plan';
import { nextLocalTime } from '../../engine/time/zoned';
import type { MemberGroup, SeqRange } from '../../engine/runs/member-group';

export interface OpenWaitInput {
  readonly runId: string;
  readonly merchantId: string;
  readonly step: WaitStep;
  readonly groupKey: string;
  readonly members: number;
}

/** Records the wait (once) and answers when it began and when it ends, epoch ms. */
export async function openWait(db: Db, input: OpenWaitInput): Promise<{ startedAt: number; until: number }> {
  const key = { run: input.runId, node: input.step.id, group: input.groupKey };
  const existing = await findWait(db, key);
  if (existing) return existing;
  const merchant = await db.selectFrom('merchants').select('timezone').where('id', '=', input.merchantId).executeTakeFirstOrThrow();
  const now = new Date();
  const until = waitEnd(input.step, now, merchant.timezone);
  await db
    .insertInto('run_waits')
    .values({
      run_id: input.runId,
      node_id: input.step.id,
      group_key: input.groupKey,
      merchant_id: input.merchantId,
      mode: input.step.mode ?? 'for',
      started_at: now,
      until,
      members: input.members,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  // Read back: a concurrent or earlier attempt's row wins.
  return (await findWait(db, key)) ?? { startedAt: now.getTime(), until: until.getTime() };
}

/** When a wait that begins at `now` ends. */
export function waitEnd(step: WaitStep, now: Date, timeZone: string): Date {
  switch (step.mode) {
    case undefined:
    case 'for':
    case 'untilVisit':
      return new Date(now.getTime() + step.durationMs);
    case 'until': {
      const days = step.weekdays ?? [undefined];
      const candidates = days.map((day) => nextLocalTime(now, timeZone, step.time, day).getTime());
      return new Date(Math.min(...candidates));
    }
    default: {
      const unknown: never = step;
      throw new Error(`unknown wait ${JSON.stringify(unknown)}`);
    }
  }
}

async function findWait(db: Db, key: { run: string; node: string; group: string }) {
  const row = await db
    .selectFrom('run_waits')
    .select(['started_at', 'until'])
    .where('run_id', '=', key.run)
    .where('node_id', '=', key.node)
    .where('group_key', '=', key.group)
    .executeTakeFirst();
  return row ? { startedAt: row.started_at.getTime(), until: row.until.getTime() } : undefined;
}

/** Marks a wait over: its members have moved on. */
export async function closeWait(db: Db, input: { runId: string; nodeId: string; groupKey: string }): Promise<void> {
  await db
    .updateTable('run_waits')
    .set({ finished_at: new Date() })
    .where('run_id', '=', input.runId)
    .where('node_id', '=', input.nodeId)
    .where('group_key', '=', input.groupKey)
    .where('finished_at', 'is', null)
    .execute();
}

export interface VisitorsInput {
  readonly runId: string;
  readonly merchantId: string;
  /** The wait's node id. */
  readonly nodeId: string;
  /** The group waiting. */
  readonly group: MemberGroup;
  readonly range: SeqRange;
  /** When the wait began, epoch ms: visits after it count. */
  readonly since: number;
  /** The lane this batch of visitors goes on in. */
  readonly lane: string;
}

/** A batch of members that left a wait by one outcome: how many, and their seq range. */
export interface LeftWait {
  readonly count: number;
  readonly range: SeqRange;
}

/**
 * Records members of the group who visited since the wait began (and have not left it yet)
 * as `visited` in `lane`. Found through the customers' last visit, so a poll costs what the
 * visitors cost, not what the group holds.
 */
export async function collectVisitors(db: Db, input: VisitorsInput): Promise<LeftWait> {
  const g = input.group;
  const outcome = g.outcome === null ? sql`true` : sql`m.outcome = ${g.outcome} and m.lane = ${g.lane ?? ''}`;
  await sql`
    insert into run_step_members (run_id, node_id, seq, customer_id, outcome, lane)
    select m.run_id, ${input.nodeId}, m.seq, m.customer_id, 'visited', ${input.lane}
    from customers c
    join run_step_members m on m.customer_id = c.id and m.run_id = ${input.runId} and m.node_id = ${g.nodeId}
    where c.merchant_id = ${input.merchantId} and c.last_visit_at > ${new Date(input.since)}
      and m.seq >= ${input.range.from} and m.seq < ${input.range.to} and ${outcome}
      and not exists (select 1 from run_exits x where x.run_id = m.run_id and x.customer_id = m.customer_id)
    on conflict do nothing`.execute(db);
  return leftBy(db, input.runId, input.nodeId, 'visited', input.lane);
}

export interface CloseVisitWaitInput {
  readonly runId: string;
  /** The wait's node id. */
  readonly nodeId: string;
  readonly group: MemberGroup;
  readonly range: SeqRange;
  readonly groupKey: string;
}

/** Everyone of the group still waiting leaves by `timeout`; the wait is over. */
export async function closeVisitWait(
  db: Db,
  input: CloseVisitWaitInput,
): Promise<LeftWait> {
  const g = input.group;
  const outcome = g.outcome === null ? sql`true` : sql`m.outcome = ${g.outcome} and m.lane = ${g.lane ?? ''}`;
  await sql`
    insert into run_step_members (run_id, node_id, seq, customer_id, outcome, lane)
    select m.run_id, ${input.nodeId}, m.seq, m.customer_id, 'timeout', ${g.lane ?? ''}
    from run_step_members m
    where m.run_id = ${input.runId} and m.node_id = ${g.nodeId}
      and m.seq >= ${input.range.from} and m.seq < ${input.range.to} and ${outcome}
      and not exists (select 1 from run_exits x where x.run_id = m.run_id and x.customer_id = m.customer_id)
    on conflict do nothing`.execute(db);
  await closeWait(db, input);
  return leftBy(db, input.runId, input.nodeId, 'timeout', g.lane ?? '');
}

async function leftBy(db: Db, runId: string, nodeId: string, outcome: string, lane: string): Promise<LeftWait> {
  const row = await db
    .selectFrom('run_step_members')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('seq').as('lo'), eb.fn.max('seq').as('hi')])
    .where('run_id', '=', runId)
    .where('node_id', '=', nodeId)
    .where('outcome', '=', outcome)
    .where('lane', '=', lane)
    .executeTakeFirstOrThrow();
  const count = Number(row.n);
  return count === 0 ? { count, range: { from: 1, to: 1 } } : { count, range: { from: Number(row.lo), to: Number(row.hi) + 1 } };
}
