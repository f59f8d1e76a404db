/**
 * A customer's timeline for "why did this customer get nothing?": what happened to them in
 * each run, newest first, and for every run of the last 90 days they were in or could have
 * been in, an outcome in plain language (`explain.ts`).
 *
 * "Could have been in": runs they were a member of, plus runs on their card (or on every
 * card) whose audience is every card holder (broadcasts, recurring schedules), plus the
 * latest run of each daily-cohort flow (birthday, win-back, expiring vouchers). Event
 * cohorts of other customers are left out: there are too many and they say nothing.
 * A dozen queries whatever the number of runs.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { RunSource, RunStatus } from '../db/schema';
import type { Plan } from '../compiler/plan';
import { DEFAULT_GOAL } from '../compiler/goal-schema';
import { firstConversion, type GoalLikeEvent } from '../results/came-back';
import { loadMessagingRules } from '../merchants/messaging-rules';
import { explainRun, type CustomerDelivery, type ExplainContext, type ExplainedCustomer, type Outcome } from './explain';
import { loadRunFacts, type RunFacts } from './journey-facts';
import { timelineItems, type CandidateRun, type TimelineItem } from './timeline-items';

export const TIMELINE_DAYS = 90;
export const TIMELINE_MAX_RUNS = 50;

export interface TimelineRun {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string;
  readonly createdAt: Date;
  readonly outcome: Outcome;
}

export interface Timeline {
  readonly customer: {
    readonly id: string;
    readonly name: string;
    readonly email: string | null;
    readonly emailConsent: boolean;
    readonly cardId: string;
    readonly stamps: number;
    readonly lastVisitAt: Date | null;
  };
  readonly items: TimelineItem[];
  readonly runs: TimelineRun[];
}

export type TimelineResult = { readonly kind: 'found'; readonly timeline: Timeline } | { readonly kind: 'customer_not_found' };

/**
 * The customer's timeline, or `customer_not_found` when the customer is not the merchant's.
 *
 * @example
 * const result = await customerTimeline(db, merchantId, customerId);
 * if (result.kind === 'found') for (const r of result.timeline.runs) show(r.flowName, r.outcome.message);
 */
export async function customerTimeline(db: Db, merchantId: string, customerId: string, now = new Date()): Promise<TimelineResult> {
  const customer = await db
    .selectFrom('customers')
    .select(['id', 'name', 'email', 'email_consent', 'card_id', 'stamps', 'joined_at', 'created_at', 'last_visit_at'])
    .select(['birthday_month', 'birthday_day'])
    .where('id', '=', customerId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!customer) return { kind: 'customer_not_found' };

  const [runs, rules] = await Promise.all([candidateRuns(db, merchantId, customer.id, customer.card_id), loadMessagingRules(db, merchantId)]);
  const memberRuns = runs.filter((r) => r.seq !== null);
  const runIds = memberRuns.map((r) => r.id);
  const [facts, deliveries, vouchers, waits, goalEvents] = await Promise.all([
    loadRunFacts(db, customer.id, memberRuns.map((r) => ({ runId: r.id, seq: r.seq ?? 0 }))),
    runIds.length === 0
      ? []
      : db
          .selectFrom('deliveries')
          .select(['run_id', 'node_id', 'channel', 'status', 'reason', 'provider_message_id', 'attempts', 'updated_at'])
          .select(['subject', 'held_until'])
          .where('customer_id', '=', customer.id)
          .where('run_id', 'in', runIds)
          .execute(),
    runIds.length === 0
      ? []
      : db
          .selectFrom('vouchers')
          .select(['run_id', 'node_id', 'code', 'title', 'created_at'])
          .where('customer_id', '=', customer.id)
          .where('run_id', 'in', runIds)
          .execute(),
    runIds.length === 0
      ? []
      : db
          .selectFrom('run_waits')
          .select(['run_id', 'node_id', (eb) => eb.fn.min('started_at').as('started_at')])
          .where('run_id', 'in', runIds)
          .where('finished_at', 'is', null)
          .groupBy(['run_id', 'node_id'])
          .execute(),
    customerGoalEvents(db, merchantId, customer.id, memberRuns),
  ]);

  const who: ExplainedCustomer = {
    name: customer.name,
    email: customer.email,
    emailConsent: customer.email_consent,
    cardId: customer.card_id,
    stamps: customer.stamps,
    joinedAt: customer.joined_at,
    createdAt: customer.created_at,
    lastVisitAt: customer.last_visit_at,
    birthdayMonth: customer.birthday_month,
    birthdayDay: customer.birthday_day,
  };
  const ctx: ExplainContext = { now, timeZone: rules.timezone, quietHours: rules.quietHours };
  const deliveriesOf = (runId: string): CustomerDelivery[] =>
    deliveries
      .filter((d) => d.run_id === runId)
      .map((d) => ({
        nodeId: d.node_id,
        channel: d.channel,
        status: d.status,
        reason: d.reason,
        at: d.updated_at,
        subject: d.subject,
        heldUntil: d.held_until,
      }));
  const factsOf = (runId: string): RunFacts => {
    const found = facts.get(runId);
    if (!found) throw new Error(`no facts loaded for run ${runId}`);
    return found;
  };

  return {
    kind: 'found',
    timeline: {
      customer: {
        id: customer.id,
        name: customer.name,
        email: customer.email,
        emailConsent: customer.email_consent,
        cardId: customer.card_id,
        stamps: customer.stamps,
        lastVisitAt: customer.last_visit_at,
      },
      items: timelineItems(
        memberRuns.map((run) => ({
          run,
          facts: factsOf(run.id),
          deliveries: deliveries.filter((d) => d.run_id === run.id),
          vouchers: vouchers.filter((v) => v.run_id === run.id),
          waitsStartedAt: new Map(waits.filter((w) => w.run_id === run.id).map((w) => [w.node_id, w.started_at as Date])),
          cameBackAt: run.startedAt ? firstConversion(run.plan.trigger.goal ?? DEFAULT_GOAL, run.startedAt, goalEvents) : null,
        })),
        ctx,
      ),
      runs: runs.map((run) => ({
        runId: run.id,
        flowId: run.flowId,
        flowName: run.flowName,
        createdAt: run.createdAt,
        outcome: explainRun(run, who, run.seq === null ? undefined : { facts: factsOf(run.id), deliveries: deliveriesOf(run.id) }, ctx),
      })),
    },
  };
}

/**
 * The customer's goal events (visits, stamps, redeemed rewards and vouchers) from their
 * earliest run entry on, for "came back 2 days after …" (read by `events_customer`).
 */
async function customerGoalEvents(db: Db, merchantId: string, customerId: string, runs: readonly CandidateRun[]): Promise<GoalLikeEvent[]> {
  const entries = runs.flatMap((r) => (r.startedAt ? [r.startedAt.getTime()] : []));
  if (entries.length === 0) return [];
  const since = new Date(Math.min(...entries));
  const [events, vouchers] = await Promise.all([
    db
      .selectFrom('events')
      .select(['type', 'at'])
      .where('customer_id', '=', customerId)
      .where('merchant_id', '=', merchantId)
      .where('type', 'in', ['visit', 'stamp', 'reward_redeemed'])
      .where('at', '>', since)
      .execute(),
    db
      .selectFrom('vouchers')
      .select('redeemed_at')
      .where('customer_id', '=', customerId)
      .where('merchant_id', '=', merchantId)
      .where('redeemed_at', '>', since)
      .execute(),
  ]);
  return [
    ...events,
    ...vouchers.flatMap((v) => (v.redeemed_at ? [{ type: 'voucher_redeemed', at: v.redeemed_at }] : [])),
  ];
}

/** The merchant's runs of the last 90 days the customer was in or could have been in, newest first. */
async function candidateRuns(db: Db, merchantId: string, customerId: string, cardId: string): Promise<CandidateRun[]> {
  const { rows } = await sql<{
    id: string;
    flow_id: string;
    flow_name: string;
    status: RunStatus;
    source: RunSource;
    created_at: Date;
    started_at: Date | null;
    send_at: Date | null;
    finished_at: Date | null;
    error: string | null;
    plan: Plan;
    seq: number | null;
    earlier_entry_at: Date | null;
  }>`
    select r.id, r.flow_id, f.name as flow_name, r.status, r.source, r.created_at, r.started_at, r.send_at,
      r.finished_at, r.error, v.plan, m.seq,
      (select max(e.created_at) from flow_entries e
        where e.flow_id = r.flow_id and e.customer_id = ${customerId} and e.run_id is distinct from r.id
          and e.created_at <= coalesce(r.started_at, r.created_at)) as earlier_entry_at
    from runs r
    join flows f on f.id = r.flow_id
    join flow_versions v on v.flow_id = r.flow_id and v.version = r.version
    left join run_step_members m
      on m.run_id = r.id and m.customer_id = ${customerId} and m.node_id = v.plan->>'triggerNodeId'
    where r.merchant_id = ${merchantId}
      and r.created_at > now() - make_interval(days => ${TIMELINE_DAYS})
      and (m.seq is not null or (
        coalesce(v.plan->'trigger'->>'cardId', '') in ('', ${cardId})
        and (v.plan->'trigger'->>'kind' in ('broadcast', 'schedule')
          or (r.source <> 'event' and r.id = (
            select r2.id from runs r2 where r2.flow_id = r.flow_id order by r2.created_at desc, r2.id desc limit 1)))))
    order by r.created_at desc, r.id desc
    limit ${TIMELINE_MAX_RUNS}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    flowId: r.flow_id,
    flowName: r.flow_name,
    status: r.status,
    source: r.source,
    createdAt: r.created_at,
    startedAt: r.started_at,
    sendAt: r.send_at,
    finishedAt: r.finished_at,
    error: r.error,
    plan: r.plan,
    seq: r.seq,
    earlierEntryAt: r.earlier_entry_at,
  }));
}
