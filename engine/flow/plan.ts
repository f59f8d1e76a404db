/**
 * The plan: the validated, normalised IR the compiler makes from a flow graph and the
 * workflow interprets. It is plain JSON (it is stored with each published version and
 * passed to the workflow), so it holds no functions, dates or classes.
 *
 * Every step keeps the id of the node it came from, so run counts and deliveries are
 * reported per editor node. `next` lists successor step ids per outcome: a segment has
 * `match` and `else`, every other step has the single outcome `next`.
 */

export const PLAN_VERSION = 1 as const;

export interface BroadcastTrigger {
  readonly kind: 'broadcast';
  /** Only holders of this card; all of the merchant's card holders when absent. */
  readonly cardId?: string;
  /** ISO time; the run starts (and takes its audience snapshot) then. */
  readonly sendAt?: string;
}

/** Triggers reserved for the journeys issue: accepted by the schema, not yet runnable. */
export type PlanTrigger = BroadcastTrigger;

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
  readonly next: { readonly next: readonly string[] };
}

export type Placeholder = 'customer.name' | 'card.name' | 'stampsLeft' | 'voucher.code';

export interface EmailStep {
  readonly kind: 'email';
  readonly id: string;
  readonly subject: string;
  /** Plain text with `{{placeholder}}`s; rendered to text and escaped HTML at send time. */
  readonly body: string;
  readonly next: { readonly next: readonly string[] };
}

export interface VoucherStep {
  readonly kind: 'voucher';
  readonly id: string;
  readonly title: string;
  readonly validDays: number;
  readonly next: { readonly next: readonly string[] };
}

export interface WaitStep {
  readonly kind: 'wait';
  readonly id: string;
  /** > 0 */
  readonly durationMs: number;
  readonly next: { readonly next: readonly string[] };
}

export type Step = SegmentStep | PushStep | EmailStep | VoucherStep | WaitStep;
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
