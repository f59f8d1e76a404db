/**
 * One member's conversion, for the places that show a single customer (their timeline):
 * the first goal event after they entered a run and no later than the goal's window after
 * it, by the same rule as the run's counts in `outcomes.ts`.
 */
import type { Goal, GoalEvent } from '../compiler/goal-schema';

const DAY_MS = 86_400_000;

/** The event types that meet a goal (a visit is also made by a stamp at the counter). */
export const GOAL_EVENT_TYPES: Record<GoalEvent, readonly string[]> = {
  visit: ['visit', 'stamp'],
  stamp: ['stamp'],
  reward_redeemed: ['reward_redeemed'],
  voucher_redeemed: ['voucher_redeemed'],
};

/** A customer's goal-like event: an `events` row, or a voucher redemption as `voucher_redeemed`. */
export interface GoalLikeEvent {
  readonly type: string;
  readonly at: Date;
}

/** When the member first met `goal` after entering at `enteredAt` (inside the window); null: not (yet). */
export function firstConversion(goal: Goal, enteredAt: Date, events: readonly GoalLikeEvent[]): Date | null {
  const types = GOAL_EVENT_TYPES[goal.event];
  const from = enteredAt.getTime();
  const to = from + goal.withinDays * DAY_MS;
  let first: number | null = null;
  for (const e of events) {
    const t = e.at.getTime();
    if (t > from && t <= to && types.includes(e.type) && (first === null || t < first)) first = t;
  }
  return first === null ? null : new Date(first);
}
