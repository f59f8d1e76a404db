/**
 * Before anything sends: who a run started now (or at `sendAt`) would reach, step by step,
 * and what the merchant's messaging rules would hold back. Counted with the same SQL the run
 * uses — the card holders of a broadcast (`cardHolders`) or the cohort of a scheduled
 * trigger minus those who already entered under the same key (`cohortPreview`) — and the
 * same skip rules as the push and email steps (no pass; no address, suppressed, no consent;
 * the weekly cap). Writes nothing.
 */
import { sql, type RawBuilder } from 'kysely';
import { cohortPreview } from '../audience/cohorts';
import { cardHolders } from '../audience/snapshot';
import type { Db } from '../db/database';
import { cappedAmong } from '../deliveries/frequency-cap';
import type { Plan, Step } from '../compiler/plan';
import { loadMessagingRules, type MessagingRules } from '../merchants/messaging-rules';
import { quietHoursEnd } from '../time/zoned';

/** One push or email step of the plan and who it would reach. */
export interface StepReach {
  readonly nodeId: string;
  readonly channel: 'push' | 'email';
  /** Would get this message. */
  readonly reach: number;
  /** Cannot get it: no wallet pass (push); no address, no consent, unsubscribed or suppressed (email). */
  readonly unreachable: number;
  /** Could get it but reached the weekly limit of this channel. */
  readonly overWeeklyLimit: number;
  /** Behind a segment or a wait: at most this many, the rest decided on the way. */
  readonly atMost: boolean;
}

export interface SendPreview {
  /** Customers the run would take in. */
  readonly members: number;
  /** Customers the trigger matches who already had this flow under the same key (this year's birthday, this lapse). */
  readonly alreadyEntered: number;
  readonly steps: readonly StepReach[];
  /** When messages due at the send time would be held by quiet hours: the end of the quiet hours; else null. */
  readonly heldUntil: Date | null;
  readonly rules: MessagingRules;
}

export interface PreviewInput {
  readonly merchantId: string;
  readonly plan: Plan;
  /** The flow a cohort is entered into (its earlier entries are left out); absent for a new campaign. */
  readonly flowId?: string | undefined;
  /** Default: now. */
  readonly sendAt?: Date | undefined;
}

/** Message steps in plan order, each marked `atMost` when a segment or a wait comes before it. */
export function messageSteps(plan: Plan): { step: Step & { kind: 'push' | 'email' }; atMost: boolean }[] {
  const found = new Map<string, boolean>();
  const order: string[] = [];
  const queue: [string, boolean][] = plan.entry.map((id) => [id, false]);
  const seen = new Map<string, boolean>();
  for (let item = queue.shift(); item; item = queue.shift()) {
    const [id, behind] = item;
    const step = plan.steps[id];
    // Visit again only when this path is the first exact one.
    if (!step || (seen.has(id) && (seen.get(id) === false || behind))) continue;
    seen.set(id, behind);
    if (step.kind === 'push' || step.kind === 'email') {
      if (!found.has(id)) order.push(id);
      found.set(id, behind);
    }
    const next = Object.values(step.next).flat();
    const nextBehind = behind || step.kind === 'segment' || step.kind === 'wait';
    for (const n of next) queue.push([n, nextBehind]);
  }
  return order.flatMap((id) => {
    const step = plan.steps[id];
    return step && (step.kind === 'push' || step.kind === 'email') ? [{ step, atMost: found.get(id) ?? false }] : [];
  });
}

/** The preview of a run of `plan` for the merchant. */
export async function previewSend(db: Db, input: PreviewInput): Promise<SendPreview> {
  const { merchantId, plan } = input;
  const sendAt = input.sendAt ?? new Date();
  const rules = await loadMessagingRules(db, merchantId);
  const cardId = plan.trigger.cardId;
  const cohort = input.flowId
    ? cohortPreview({ merchantId, flowId: input.flowId, timeZone: rules.timezone, cardId }, plan.trigger, sendAt)
    : undefined;
  const members: RawBuilder<unknown> = cohort?.entering ?? sql`select id as customer_id ${cardHolders(merchantId, cardId)}`;
  const capCount = (channel: 'push' | 'email', column: string, cap: number | null) =>
    cap === null
      ? sql`0`
      : sql`(select count(*) from (${cappedAmong(channel, sql`select customer_id from r where ${sql.ref(column)}`, cap)}) x)`;
  const { rows } = await sql<{ members: string; pushable: string; mailable: string; push_capped: string; email_capped: string; had: string }>`
    with a as (${members}),
    r as (
      select a.customer_id,
        p.customer_id is not null as pushable,
        (c.email is not null and c.email_consent and not exists (
          select 1 from suppressions s where s.merchant_id = ${merchantId} and s.email = c.email)) as mailable
      from a join customers c on c.id = a.customer_id left join passes p on p.customer_id = c.id)
    select count(*) as members,
      count(*) filter (where pushable) as pushable,
      count(*) filter (where mailable) as mailable,
      ${capCount('push', 'pushable', rules.pushCap)} as push_capped,
      ${capCount('email', 'mailable', rules.emailCap)} as email_capped,
      ${cohort ? sql`(select count(*) from (${cohort.alreadyEntered}) h)` : sql`0`} as had
    from r`.execute(db);
  const row = rows[0];
  const n = (v: string | undefined) => Number(v ?? 0);
  const total = n(row?.members);
  const channelCounts = {
    push: { able: n(row?.pushable), capped: n(row?.push_capped) },
    email: { able: n(row?.mailable), capped: n(row?.email_capped) },
  };
  const steps = messageSteps(plan).map(({ step, atMost }): StepReach => {
    const counts = channelCounts[step.kind];
    return {
      nodeId: step.id,
      channel: step.kind,
      reach: counts.able - counts.capped,
      unreachable: total - counts.able,
      overWeeklyLimit: counts.capped,
      atMost,
    };
  });
  const heldUntil = rules.quietHours && steps.length > 0 ? quietHoursEnd(sendAt, rules.timezone, rules.quietHours) : null;
  return { members: total, alreadyEntered: n(row?.had), steps, heldUntil, rules };
}
