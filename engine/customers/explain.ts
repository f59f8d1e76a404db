/**
 * "Why did this customer get nothing?" for one run, in plain language: an outcome code and a
 * sentence, from what the run recorded about the customer (deliveries and their reasons,
 * exits, waits, segment decisions) or, for a run they were not in, why they were left out.
 * Pure: `timeline.ts` loads the facts.
 */
import type { DeliveryChannel, DeliveryStatus, RunStatus } from '../db/schema';
import type { Plan, PlanTrigger, Step, WaitStep } from '../compiler/plan';
import { conditionWords } from './segment-reasons';
import { TELEGRAM_BLOCKED, TELEGRAM_NO_BOT, TELEGRAM_NOT_LINKED, TELEGRAM_UNCONFIRMED } from '../channels/telegram/reasons';
import { daysUntilBirthday, formatLocalDateTime, formatShortLocal, quietHoursEnd } from '../time/zoned';
import type { RunFacts } from './journey-facts';
import { walkJourney } from './journey-walk';
import { segmentReasons } from './segment-reasons';
import { HOLDOUT_REASON, HOLDOUT_SENTENCE } from '../results/holdout';
import { wasSent } from '../deliveries/status';

export type OutcomeCode =
  | 'sent'
  | 'not_in_audience'
  | 'not_in_segment'
  | 'no_consent'
  | 'unsubscribed'
  | 'no_email'
  | 'suppressed'
  | 'capped'
  | 'quiet_hours'
  | 'left_journey'
  | 'no_pass'
  | 'no_wallet_device'
  | 'waiting'
  | 'failed'
  | 'pending'
  | 'finished'
  | 'run_cancelled'
  | 'run_failed'
  | 'skipped'
  | 'holdout';

export interface Outcome {
  readonly code: OutcomeCode;
  readonly message: string;
}

export interface ExplainedCustomer {
  readonly name: string;
  readonly email: string | null;
  readonly emailConsent: boolean;
  readonly cardId: string;
  readonly stamps: number;
  readonly joinedAt: Date;
  readonly createdAt: Date;
  readonly lastVisitAt: Date | null;
  readonly birthdayMonth: number | null;
  readonly birthdayDay: number | null;
}

export interface ExplainedRun {
  readonly status: RunStatus;
  readonly source: string;
  readonly startedAt: Date | null;
  readonly sendAt: Date | null;
  readonly error: string | null;
  readonly plan: Plan;
  /**
   * When the customer last entered this flow in an earlier run (its entry key makes a second
   * entry for the same birthday, lapse or voucher impossible); null or absent: never.
   */
  readonly earlierEntryAt?: Date | null;
}

export interface CustomerDelivery {
  readonly nodeId: string;
  readonly channel: DeliveryChannel;
  readonly status: DeliveryStatus;
  readonly reason: string | null;
  readonly at: Date;
  /** An email's subject as sent; null or absent: not recorded. */
  readonly subject?: string | null;
  /** When quiet hours held the message: the end of the hold. */
  readonly heldUntil?: Date | null;
}

export interface ExplainContext {
  readonly now: Date;
  readonly timeZone: string;
  readonly quietHours: { readonly start: string; readonly end: string } | null;
}

/** The outcome of a run the customer was in (`facts` given) or could have been in. */
export function explainRun(
  run: ExplainedRun,
  who: ExplainedCustomer,
  member: { facts: RunFacts; deliveries: readonly CustomerDelivery[] } | undefined,
  ctx: ExplainContext,
): Outcome {
  return member ? explainMember(run, who, member.facts, member.deliveries, ctx) : explainLeftOut(run, who, ctx);
}

function explainMember(
  run: ExplainedRun,
  who: ExplainedCustomer,
  facts: RunFacts,
  deliveries: readonly CustomerDelivery[],
  ctx: ExplainContext,
): Outcome {
  const sent = deliveries.filter((d) => wasSent(d.status));
  if (sent.length > 0) {
    const got = sent.map((d) => {
      const held = d.heldUntil ? ` (held ${until(d.heldUntil, ctx)} by quiet hours)` : '';
      return `${d.subject ? `the email “${d.subject}”` : messageName(run.plan, d)} ${when(d.at, ctx)}${held}`;
    });
    // What else on their path did not go out: "got the push, but the email was skipped".
    const notSent = deliveries.filter((d) => !wasSent(d.status) && d.status !== 'sending');
    const but = notSent.map((d) => `; ${uncap(deliverySentence(run.plan, d, who))}`).join('');
    return { code: 'sent', message: `Got ${got.join(' and ')}${but}` };
  }
  if (facts.exit?.reason === HOLDOUT_REASON) return { code: 'holdout', message: HOLDOUT_SENTENCE };
  if (facts.exit) {
    const why = facts.exit.reason === 'visit' ? 'visited' : 'redeemed a reward';
    return {
      code: 'left_journey',
      message: `Left the journey at ${title(run.plan, facts.exit.nodeId)}: ${why} after entering (exit rule)`,
    };
  }
  const order = stepOrder(run.plan);
  const missed = deliveries
    .filter((d) => d.status !== 'sending')
    .sort((a, b) => (order.get(a.nodeId) ?? 0) - (order.get(b.nodeId) ?? 0));
  const first = missed[0];
  if (first)
    return { code: deliveryCode(first), message: missed.map((d) => deliverySentence(run.plan, d, who)).join('; ') };

  const position = walkJourney(run.plan, facts);
  if (position.at === 'end') return pathEnd(run.plan, position.reason, position.nodeId, who, ctx);
  const here = title(run.plan, position.nodeId);
  if (position.waitingUntil)
    return { code: 'waiting', message: `Waiting at ${here} ${until(position.waitingUntil, ctx)}` };
  if (run.status === 'cancelled') return { code: 'run_cancelled', message: `The run was cancelled before ${here}` };
  if (run.status === 'failed')
    return { code: 'run_failed', message: `The run failed before ${here}: ${run.error ?? 'unknown error'}` };
  const step = run.plan.steps[position.nodeId];
  const opens =
    ctx.quietHours && (step?.kind === 'push' || step?.kind === 'email')
      ? quietHoursEnd(ctx.now, ctx.timeZone, ctx.quietHours)
      : null;
  if (opens) return { code: 'quiet_hours', message: `Held by quiet hours at ${here} ${until(opens, ctx)}` };
  return { code: 'pending', message: `Not at ${here} yet: the run is still working its way there` };
}

/** Why a member's path ended without a message. */
function pathEnd(plan: Plan, reason: string, nodeId: string, who: ExplainedCustomer, ctx: ExplainContext): Outcome {
  const at = title(plan, nodeId);
  switch (reason) {
    case 'not_in_segment': {
      const step = plan.steps[nodeId];
      const why = step?.kind === 'segment' ? segmentReasons(step, who, ctx) : '';
      return { code: 'not_in_segment', message: `Did not pass ${at}${why ? `: ${why}` : ''}` };
    }
    case 'visited':
      return { code: 'left_journey', message: `Visited during ${at}; the journey ends there for visitors` };
    case 'timed_out':
      return { code: 'finished', message: `Did not visit during ${at}; the journey ends there for them` };
    case 'no_match_path':
      return { code: 'finished', message: `Matched ${at}, but nothing follows its match output` };
    default:
      return { code: 'finished', message: 'Went through the journey; no message was on their path' };
  }
}

const EVENT_WORDS = { joined: 'joining', stamp_added: 'a stamp', one_stamp_to_go: 'one stamp to go', reward_ready: 'a reward ready', voucher_expiring: 'a voucher running out' } as const;

/** Why the customer was not in a run's audience. */
function explainLeftOut(run: ExplainedRun, who: ExplainedCustomer, ctx: ExplainContext): Outcome {
  const trigger = run.plan.trigger;
  if (run.startedAt === null) {
    if (run.status === 'scheduled' || run.status === 'running') {
      const at = run.sendAt ? ` ${when(run.sendAt, ctx)}` : ' shortly';
      return {
        code: 'pending',
        message: `The run takes its audience${at}; ${who.name} holds the card, so will be in it`,
      };
    }
    return {
      code: run.status === 'failed' ? 'run_failed' : 'run_cancelled',
      message: `The run ${run.status === 'failed' ? 'failed' : 'was cancelled'} before it took its audience`,
    };
  }
  if (trigger.cardId && trigger.cardId !== who.cardId) {
    return { code: 'not_in_audience', message: "Not on the run's card: the run went to another card's holders" };
  }
  if (who.createdAt > run.startedAt) {
    return { code: 'not_in_audience', message: `Joined after the run took its audience ${when(run.startedAt, ctx)}` };
  }
  return { code: 'not_in_audience', message: cohortReason(trigger, who, run.startedAt, run.earlierEntryAt ?? null, ctx) };
}

function cohortReason(trigger: PlanTrigger, who: ExplainedCustomer, at: Date, earlier: Date | null, ctx: ExplainContext): string {
  const on = (d: Date) => formatShortLocal(d, ctx.timeZone);
  switch (trigger.kind) {
    case 'birthday': {
      if (who.birthdayMonth === null || who.birthdayDay === null) return 'No birthday on file, so no birthday offer';
      const inDays = daysUntilBirthday(who.birthdayMonth, who.birthdayDay, at, ctx.timeZone);
      // Their birthday was due, so only an earlier entry for the same birthday kept them out.
      if (inDays === trigger.daysBefore)
        return earlier ? `Already had this birthday offer on ${on(earlier)}` : 'Already had this birthday offer this year';
      const wants = trigger.daysBefore === 0 ? 'on the birthday' : `${trigger.daysBefore} day${trigger.daysBefore === 1 ? '' : 's'} before the birthday`;
      return `Not their turn: the birthday was ${inDays} day${inDays === 1 ? '' : 's'} away that day; this flow sends ${wants}`;
    }
    case 'inactive': {
      const days = Math.floor((at.getTime() - (who.lastVisitAt ?? who.joinedAt).getTime()) / 86_400_000);
      if (days < trigger.days)
        return `Not away long enough: last visit ${days} day${days === 1 ? '' : 's'} before the run; this flow is for ${trigger.days} days or more`;
      return earlier
        ? `Already had this win-back on ${on(earlier)} for the same absence`
        : 'Already had this win-back for the same absence in an earlier run';
    }
    case 'event':
      if (trigger.event === 'voucher_expiring')
        return earlier
          ? `Already had this reminder on ${on(earlier)} for the same voucher`
          : `No voucher of theirs ran out ${trigger.daysBefore ?? 3} days after the run's day`;
      return `Nothing that starts this flow (${EVENT_WORDS[trigger.event]}) happened for them in this run`;
    case 'broadcast':
    case 'schedule':
      return 'Was not a card holder when the run started';
    default: {
      const unknown: never = trigger;
      return `Not in this run (${String(unknown)})`;
    }
  }
}

function deliveryCode(d: CustomerDelivery): OutcomeCode {
  if (d.status === 'failed') return 'failed';
  if (d.status === 'suppressed') return 'suppressed';
  switch (d.reason ?? '') {
    case 'no_consent':
      return 'no_consent';
    case 'unsubscribed':
      return 'unsubscribed';
    case 'no_wallet_device':
      return 'no_wallet_device';
    case 'no_email':
      return 'no_email';
    case 'no_pass':
      return 'no_pass';
    case 'frequency_cap':
      return 'capped';
    default:
      return 'skipped';
  }
}

function deliverySentence(plan: Plan, d: CustomerDelivery, who: ExplainedCustomer): string {
  const what = messageName(plan, d);
  if (d.status === 'failed') return `${cap(what)} failed: ${failureWords(d.reason)}`;
  if (d.status === 'suppressed')
    return `${cap(what)} was not sent: ${who.email ?? 'the address'} is on the suppression list (${(d.reason ?? '').replace(/^suppressed: /, '') || 'suppressed'})`;
  switch (d.reason ?? '') {
    case 'no_consent':
      return `${cap(what)} was skipped: no email consent`;
    case 'unsubscribed':
      return `${cap(what)} was skipped: they unsubscribed from your emails`;
    case 'no_wallet_device':
      return `${cap(what)} was skipped: the card is in no Apple or Google wallet yet`;
    case 'no_email':
      return `${cap(what)} was skipped: no email address`;
    case 'no_pass':
      return `${cap(what)} was skipped: no wallet pass to update`;
    case 'frequency_cap':
      return `${cap(what)} was skipped: the frequency cap (messages per 7 days) was reached`;
    case TELEGRAM_NOT_LINKED:
      return `${cap(what)} was skipped: ${who.name} has not linked Telegram`;
    case TELEGRAM_NO_BOT:
      return `${cap(what)} was skipped: no Telegram bot is connected in Settings`;
    default:
      return `${cap(what)} was skipped: ${d.reason ?? 'no reason recorded'}`;
  }
}

/** `the push “Coffee's waiting”`, `the email “Hi {{customer.name}}”`. */
function messageName(plan: Plan, d: { nodeId: string; channel: DeliveryChannel }): string {
  const step = plan.steps[d.nodeId];
  if (step?.kind === 'push') return `the push “${step.text}”`;
  if (step?.kind === 'email') return `the email “${step.subject}”`;
  if (step?.kind === 'telegram') return `the Telegram message “${preview(step.text)}”`;
  return `the ${d.channel} of ${d.nodeId}`;
}

/** A step as people read it, by what it does: `the wait for a visit (up to 7 days)`, `the push “Hi”`. */
export function title(plan: Plan, nodeId: string): string {
  const step: Step | undefined = plan.steps[nodeId];
  switch (step?.kind) {
    case 'push':
      return `the push “${step.text}”`;
    case 'email':
      return `the email “${step.subject}”`;
    case 'telegram':
      return `the Telegram message “${preview(step.text)}”`;
    case 'voucher':
      return `the voucher “${step.title}”`;
    case 'segment':
      return `the check “${step.conditions.map(conditionWords).join(step.match === 'any' ? ' or ' : ' and ')}”`;
    case 'wait':
      return waitWords(step);
    case undefined:
      return nodeId === plan.triggerNodeId ? 'the start' : `“${nodeId}”`;
    default: {
      const unknown: never = step;
      return String(unknown);
    }
  }
}

function waitWords(step: WaitStep): string {
  switch (step.mode) {
    case 'untilVisit':
      return `the wait for a visit (up to ${durationWords(step.durationMs)})`;
    case 'until':
      return `the wait until ${step.time}`;
    case 'for':
    case undefined:
      return `the wait of ${durationWords(step.durationMs)}`;
    default: {
      const unknown: never = step;
      return String(unknown);
    }
  }
}

/** 604800000 → "7 days"; 5400000 → "90 minutes". */
function durationWords(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms / size === 1 ? '' : 's'}`;
  }
  const seconds = Math.round(ms / 1000);
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** Steps in walking order from the entry (breadth first), for "the first thing that went wrong". */
function stepOrder(plan: Plan): Map<string, number> {
  const order = new Map<string, number>();
  const queue = [...plan.entry];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const step = plan.steps[id];
    if (order.has(id) || !step) continue;
    order.set(id, order.size);
    queue.push(...Object.values(step.next).flat());
  }
  return order;
}

/** `at 10:02` today (merchant time), else `on 2025-06-03 at 10:02`. */
export function when(at: Date, ctx: ExplainContext): string {
  const [day, time] = formatLocalDateTime(at, ctx.timeZone).split(' ');
  const [today] = formatLocalDateTime(ctx.now, ctx.timeZone).split(' ');
  return day === today ? `at ${time}` : `on ${day} at ${time}`;
}

/** `until 10:02` today (merchant time), else `until 2025-06-03 10:02`. */
export function until(at: Date, ctx: ExplainContext): string {
  const local = formatLocalDateTime(at, ctx.timeZone);
  const [today] = formatLocalDateTime(ctx.now, ctx.timeZone).split(' ');
  return `until ${local.startsWith(`${today} `) ? local.slice(today?.length ?? 0).trim() : local}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "The email …" → "the email …", for a sentence continued after a semicolon. */
function uncap(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** The start of a long text, for a sentence. */
function preview(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

/** Why a message failed, in plain words (Telegram's reason codes; other reasons as recorded). */
export function failureWords(reason: string | null): string {
  if (reason === TELEGRAM_BLOCKED) return 'they blocked the bot on Telegram; unlinked';
  if (reason === TELEGRAM_UNCONFIRMED)
    return 'the worker stopped while Telegram was being asked; not sent again, so it cannot arrive twice';
  return reason ?? 'no reason recorded';
}

/** A delivery's recorded reason as a timeline says it: Telegram's codes in words, others as written. */
export function deliveryReasonWords(reason: string): string {
  switch (reason) {
    case TELEGRAM_NOT_LINKED:
      return 'has not linked Telegram';
    case TELEGRAM_NO_BOT:
      return 'no Telegram bot is connected in Settings';
    case TELEGRAM_BLOCKED:
    case TELEGRAM_UNCONFIRMED:
      return failureWords(reason);
    default:
      return reason.replace(/_/g, ' ');
  }
}
