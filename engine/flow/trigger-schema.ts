/**
 * The trigger node: how customers enter a flow. Only `broadcast` runs today; the other
 * triggers are reserved here so drafts of journeys parse, and the compiler reports them as
 * `unsupported` until the journeys work lands.
 */
import { z } from 'zod';
import { always, timeOfDay, weekday, wholeNumber } from './schema-helpers';

export const TRIGGER_EVENTS = ['joined', 'stamp_added', 'reward_ready', 'voucher_expiring'] as const;

const broadcast = z.object({
  trigger: z.literal('broadcast'),
  /** null or absent: every holder of any of the merchant's cards. */
  cardId: z.uuid({ error: 'Choose a card from the list.' }).nullish(),
  /** null or absent: send as soon as the broadcast is launched. */
  sendAt: z.iso
    .datetime({ offset: true, error: 'Send time must be a date and time, e.g. 2025-06-03T10:00:00Z.' })
    .nullish(),
});

const birthday = z.object({
  trigger: z.literal('birthday'),
  daysBefore: wholeNumber('Days before the birthday', 0, 365),
});

const inactive = z.object({
  trigger: z.literal('inactive'),
  days: wholeNumber('Days without a visit', 1, 3650),
});

const event = z.object({
  trigger: z.literal('event'),
  event: z.enum(TRIGGER_EVENTS, { error: 'Choose the event that starts this flow.' }),
});

/** Recurring: either a cron expression or a weekday and a local time. */
const schedule = z
  .object({
    trigger: z.literal('schedule'),
    cron: z
      .string()
      .regex(/^\S+(\s+\S+){4}$/, { error: 'A cron expression has five fields, e.g. "0 10 * * 2".' })
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
