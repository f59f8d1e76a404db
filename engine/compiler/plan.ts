/**
 * The plan: the validated, normalised IR the compiler makes from a flow graph and the
 * workflow interprets. It is plain JSON (it is stored with each published version and
 * passed to the workflow), so it holds no functions, dates or classes.
 *
 * Every step keeps the id of the node it came from, so run counts and deliveries are
 * reported per editor node. `next` lists successor step ids per outcome: a segment has
 * `match` and `else`, a wait for a visit `visited` and `timeout`, every other step has the
 * single outcome `next`. An outcome with no successors means its members leave there.
 */

import type { Goal } from './goal-schema';

export const PLAN_VERSION = 1 as const;

/** What makes a customer leave a journey at its next step. */
export type ExitRule = 'visit' | 'reward_redeemed';

/** What counts as success: a goal event within `withinDays` of entering the run. */
export type PlanGoal = Goal;

/** Settings every trigger may carry. */
interface TriggerBase {
  /** Only holders of this card; all of the merchant's card holders when absent. */
  readonly cardId?: string;
  /** A member who does one of these after entering leaves at the next step. */
  readonly exitOn?: readonly ExitRule[];
  /**
   * The goal, resolved by the compiler (a visit within 7 days by default). Absent in plans
   * published before results: read it as the default.
   */
  readonly goal?: PlanGoal;
  /**
   * 0..50: the share of members kept back (they get nothing) to measure the flow. Absent in
   * plans published before results: nobody was kept back.
   */
  readonly holdoutPercent?: number;
}

export interface BroadcastTrigger extends TriggerBase {
  readonly kind: 'broadcast';
  /** ISO time; the run starts (and takes its audience snapshot) then. */
  readonly sendAt?: string;
}

/** Daily at `at` (merchant time): customers whose birthday is `daysBefore` days away. */
export interface BirthdayTrigger extends TriggerBase {
  readonly kind: 'birthday';
  readonly daysBefore: number;
  /** `HH:MM`, merchant time. */
  readonly at: string;
}

/** Daily at `at`: customers whose last visit is `days` or more days ago (win-back). */
export interface InactiveTrigger extends TriggerBase {
  readonly kind: 'inactive';
  readonly days: number;
  readonly at: string;
}

export type TriggerEvent = 'joined' | 'stamp_added' | 'one_stamp_to_go' | 'reward_ready' | 'voucher_expiring';

/**
 * The customer enters when the event happens. `voucher_expiring` is found by a daily check
 * at `at`, `daysBefore` days before an unredeemed voucher expires.
 */
export interface EventTrigger extends TriggerBase {
  readonly kind: 'event';
  readonly event: TriggerEvent;
  /** `voucher_expiring` only. */
  readonly daysBefore?: number;
  /** `voucher_expiring` only: when the daily check runs. */
  readonly at?: string;
}

/** A recurring broadcast: a cron expression, or a weekday and a time, in merchant time. */
export interface ScheduleTrigger extends TriggerBase {
  readonly kind: 'schedule';
  readonly cron?: string;
  readonly weekday?: Weekday;
  readonly time?: string;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export type PlanTrigger = BroadcastTrigger | BirthdayTrigger | InactiveTrigger | EventTrigger | ScheduleTrigger;
export type PlanTriggerKind = PlanTrigger['kind'];

/** Triggers fired by a Temporal Schedule (a daily or recurring cohort). */
export function isScheduledTrigger(trigger: PlanTrigger): boolean {
  return (
    trigger.kind === 'birthday' ||
    trigger.kind === 'inactive' ||
    trigger.kind === 'schedule' ||
    (trigger.kind === 'event' && trigger.event === 'voucher_expiring')
  );
}

/** Triggers whose members enter one by one as events happen, in small cohorts. */
export function isEventTrigger(trigger: PlanTrigger): trigger is EventTrigger {
  return trigger.kind === 'event' && trigger.event !== 'voucher_expiring';
}

export type SegmentField =
  | 'stamps'
  | 'daysSinceLastVisit'
  | 'daysSinceJoined'
  | 'emailConsent'
  | 'hasEmail'
  | 'birthdayInDays';

export type ComparisonOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';

export interface SegmentCondition {
  readonly field: SegmentField;
  readonly op: ComparisonOp;
  /** A number for numeric fields, a boolean for `emailConsent` and `hasEmail`. */
  readonly value: number | boolean;
}

export interface SegmentStep {
  readonly kind: 'segment';
  readonly id: string;
  readonly match: 'all' | 'any';
  readonly conditions: readonly SegmentCondition[];
  readonly next: { readonly match: readonly string[]; readonly else: readonly string[] };
}

export interface PushStep {
  readonly kind: 'push';
  readonly id: string;
  /** 1..20 graphemes. */
  readonly text: string;
  /** 1..20 graphemes, on the lock screen near the merchant's shops; absent: the pass keeps its nearby text. */
  readonly nearbyText?: string;
  /** ISO time: a dated offer's start (the pass is relevant by date from then to `nearbyUntil`). */
  readonly nearbyFrom?: string;
  /** ISO time after which the pass shows the card's default nearby text again. */
  readonly nearbyUntil?: string;
  /** The long text (≤ 4,096 characters, with placeholders) on the card page. */
  readonly messageText?: string;
  readonly next: { readonly next: readonly string[] };
}

export type Placeholder = 'customer.name' | 'card.name' | 'stampsLeft' | 'voucher.code' | 'voucher.expiresOn';

export interface EmailStep {
  readonly kind: 'email';
  readonly id: string;
  readonly subject: string;
  /** Plain text with `{{placeholder}}`s; rendered to text and escaped HTML at send time. */
  readonly body: string;
  readonly next: { readonly next: readonly string[] };
}

/** The long text by Telegram, to customers who linked their card to the merchant's bot. */
export interface TelegramStep {
  readonly kind: 'telegram';
  readonly id: string;
  /** ≤ 4,096 characters (one Telegram message), with `{{placeholder}}`s. */
  readonly text: string;
  readonly next: { readonly next: readonly string[] };
}

export interface VoucherStep {
  readonly kind: 'voucher';
  readonly id: string;
  readonly title: string;
  readonly validDays: number;
  readonly next: { readonly next: readonly string[] };
}

/** A fixed delay. Plans published before waits had modes have no `mode`. */
export interface ForWaitStep {
  readonly kind: 'wait';
  readonly id: string;
  readonly mode?: 'for';
  /** > 0 */
  readonly durationMs: number;
  readonly next: { readonly next: readonly string[] };
}

/** Until the next `time` in merchant time (on one of `weekdays`, when given). */
export interface UntilWaitStep {
  readonly kind: 'wait';
  readonly id: string;
  readonly mode: 'until';
  readonly time: string;
  readonly weekdays?: readonly Weekday[];
  readonly next: { readonly next: readonly string[] };
}

/**
 * Until the member visits, at most `durationMs`: visitors leave by `visited` as they
 * visit, the rest by `timeout` when the time is up.
 */
export interface UntilVisitWaitStep {
  readonly kind: 'wait';
  readonly id: string;
  readonly mode: 'untilVisit';
  readonly durationMs: number;
  readonly next: { readonly visited: readonly string[]; readonly timeout: readonly string[] };
}

export type WaitStep = ForWaitStep | UntilWaitStep | UntilVisitWaitStep;

export type Step = SegmentStep | PushStep | EmailStep | TelegramStep | VoucherStep | WaitStep;
export type StepKind = Step['kind'];

export interface Plan {
  readonly planVersion: typeof PLAN_VERSION;
  readonly triggerNodeId: string;
  readonly trigger: PlanTrigger;
  /** Step ids that follow the trigger. */
  readonly entry: readonly string[];
  /** Every step reachable from the trigger, keyed by node id. */
  readonly steps: Readonly<Record<string, Step>>;
}

/** The successors of a step, all outcomes together. */
export function successors(step: Step): readonly string[] {
  return Object.values(step.next).flat();
}
