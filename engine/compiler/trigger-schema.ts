/**
 * The trigger node: how customers enter a flow — a broadcast (now or at a time), a daily
 * birthday or win-back cohort, an event, or a recurring schedule — plus the exit rules that
 * make members leave early.
 */
import { z } from 'zod';
import { cronProblem } from './cron';
import { measureSettings } from './goal-schema';
import { always, timeOfDay, weekday, wholeNumber } from './schema-helpers';

export const TRIGGER_EVENTS = ['joined', 'stamp_added', 'one_stamp_to_go', 'reward_ready', 'voucher_expiring'] as const;
export const EXIT_RULES = ['visit', 'reward_redeemed'] as const;
/** When daily cohorts (birthday, win-back, expiring vouchers) are taken, merchant time. */
export const DEFAULT_DAILY_AT = '10:00';
export const DEFAULT_VOUCHER_EXPIRING_DAYS = 3;

/** Settings every trigger shares: the card it is about, its exit rules, its goal and hold-out. */
const common = {
  /** null or absent: every holder of any of the merchant's cards. */
  cardId: z.uuid({ error: 'Choose a card from the list.' }).nullish(),
  exitOn: z
    .array(z.enum(EXIT_RULES, { error: 'A customer can leave on a visit or a redeemed reward.' }))
    .max(EXIT_RULES.length)
    .optional(),
  /** What counts as "came back" and how many are kept back to measure it. */
  ...measureSettings,
};

const broadcast = z.object({
  trigger: z.literal('broadcast'),
  ...common,
  /** null or absent: send as soon as the broadcast is launched. */
  sendAt: z.iso
    .datetime({ offset: true, error: 'Send time must be a date and time, e.g. 2025-06-03T10:00:00Z.' })
    .nullish(),
});

const birthday = z.object({
  trigger: z.literal('birthday'),
  ...common,
  daysBefore: wholeNumber('Days before the birthday', 0, 30),
  at: timeOfDay.optional(),
});

const inactive = z.object({
  trigger: z.literal('inactive'),
  ...common,
  days: wholeNumber('Days without a visit', 1, 3650),
  at: timeOfDay.optional(),
});

const event = z
  .object({
    trigger: z.literal('event'),
    ...common,
    event: z.enum(TRIGGER_EVENTS, { error: 'Choose the event that starts this flow.' }),
    daysBefore: wholeNumber('Days before the voucher expires', 0, 365).optional(),
    at: timeOfDay.optional(),
  })
  .superRefine(
    (e, ctx) => {
      if (e.event === 'voucher_expiring') return;
      if (e.daysBefore !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['daysBefore'], message: 'Days before only applies to expiring vouchers.' });
      }
      if (e.at !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['at'], message: 'A time only applies to expiring vouchers; events enter at once.' });
      }
    },
    { when: always },
  );

/** Recurring: either a cron expression or a weekday and a local time. */
const schedule = z
  .object({
    trigger: z.literal('schedule'),
    ...common,
    cron: z
      .string()
      .superRefine((cron, ctx) => {
        const problem = cronProblem(cron);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    weekday: weekday.optional(),
    time: timeOfDay.optional(),
  })
  .superRefine(
    (s, ctx) => {
      const weekly = s.weekday !== undefined || s.time !== undefined;
      if (s.cron === undefined && !weekly) {
        ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'Choose when this flow repeats.' });
      } else if (s.cron !== undefined && weekly) {
        ctx.addIssue({
          code: 'custom',
          path: ['cron'],
          message: 'Use either a cron expression or a day and time, not both.',
        });
      } else if (weekly && (s.weekday === undefined || s.time === undefined)) {
        const path = s.weekday === undefined ? 'weekday' : 'time';
        ctx.addIssue({ code: 'custom', path: [path], message: 'A weekly schedule needs both a day and a time.' });
      }
    },
    { when: always },
  );

export const triggerDataSchema = z.discriminatedUnion('trigger', [broadcast, birthday, inactive, event, schedule], {
  error: 'Choose what starts this flow: a broadcast, a birthday, inactivity, an event or a schedule.',
});

export type TriggerData = z.infer<typeof triggerDataSchema>;
export type TriggerKind = TriggerData['trigger'];
