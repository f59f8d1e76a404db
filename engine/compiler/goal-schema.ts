/**
 * What counts as success for a flow or campaign: the goal event ("came back") and its
 * window, and the share of members kept back to measure it. Both sit on the trigger's data.
 */
import { z } from 'zod';
import { wholeNumber } from './schema-helpers';

export const GOAL_EVENTS = ['visit', 'stamp', 'reward_redeemed', 'voucher_redeemed'] as const;
export type GoalEvent = (typeof GOAL_EVENTS)[number];

/** The goal of a flow without one: a visit within 7 days. */
export const DEFAULT_GOAL = { event: 'visit', withinDays: 7 } as const satisfies Goal;
export const MAX_HOLDOUT_PERCENT = 50;
/** Journeys keep 10% back unless told otherwise; broadcasts and campaigns keep nobody back. */
export const DEFAULT_JOURNEY_HOLDOUT_PERCENT = 10;

export interface Goal {
  readonly event: GoalEvent;
  /** 1..90: a goal event counts when it happens after entering and at most this many days after. */
  readonly withinDays: number;
}

export const goalSchema = z.object({
  event: z.enum(GOAL_EVENTS, { error: 'Success is a visit, a stamp, a redeemed reward or a redeemed voucher.' }),
  withinDays: wholeNumber('Days to come back', 1, 90),
});

/** The goal and hold-out settings every trigger takes. */
export const measureSettings = {
  goal: goalSchema.optional(),
  holdoutPercent: wholeNumber('Share kept back', 0, MAX_HOLDOUT_PERCENT).optional(),
};
