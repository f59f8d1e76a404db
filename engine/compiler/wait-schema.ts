/**
 * The wait node: a durable delay — a fixed duration (`for`), until a time of day in the
 * merchant's time zone (`until`, optionally on given weekdays), or until the customer
 * visits, at most a duration (`untilVisit`, with outputs `visited` and `timeout`).
 */
import { z } from 'zod';
import { always, timeOfDay, weekday } from './schema-helpers';

export const MAX_WAIT_DAYS = 366;
const MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1_000 } as const;
type Unit = keyof typeof MS;
const UNITS = Object.keys(MS) as Unit[];

function part(unit: Unit) {
  return z
    .number({ error: `Wait ${unit} must be a number.` })
    .min(0, { error: `Wait ${unit} cannot be negative.` })
    .optional();
}

export type Duration = Partial<Record<Unit, number>>;

/** The length of a duration in whole milliseconds. */
export function durationToMs(duration: Duration): number {
  return Math.round(UNITS.reduce((sum, unit) => sum + (duration[unit] ?? 0) * MS[unit], 0));
}

/** `{days?, hours?, minutes?, seconds?}`: non-negative, more than zero, at most 366 days. */
export const durationSchema = z
  .object(
    { days: part('days'), hours: part('hours'), minutes: part('minutes'), seconds: part('seconds') },
    { error: 'Set how long to wait.' },
  )
  .superRefine((d, ctx) => {
    // A negative part is reported on its own; the total only means something without one.
    if (UNITS.some((unit) => (d[unit] ?? 0) < 0)) return;
    const ms = durationToMs(d);
    if (ms < 1) ctx.addIssue({ code: 'custom', message: 'This wait is zero; set how long to wait.' });
    if (ms > MAX_WAIT_DAYS * MS.days) {
      ctx.addIssue({ code: 'custom', message: `A wait can be at most ${MAX_WAIT_DAYS} days.` });
    }
  });

/** `{time, weekday?}` (one day) or `{time, weekdays?}` (several); not both. */
const untilSchema = z
  .object({ time: timeOfDay, weekday: weekday.optional(), weekdays: z.array(weekday).min(1).max(7).optional() })
  .superRefine(
    (u, ctx) => {
      if (u.weekday !== undefined && u.weekdays !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'Choose one day or a list of days, not both.' });
      }
    },
    { when: always },
  );
/** How long to wait for a visit at most. */
const untilVisitSchema = durationSchema;
const MODES = ['for', 'until', 'untilVisit'] as const;

export const waitDataSchema = z
  .object({
    for: durationSchema.optional(),
    until: untilSchema.optional(),
    untilVisit: untilVisitSchema.optional(),
  })
  .superRefine(
    (w, ctx) => {
      const modes = MODES.filter((mode) => w[mode] !== undefined);
      if (modes.length === 0) ctx.addIssue({ code: 'custom', path: ['for'], message: 'Set how long to wait.' });
      if (modes.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [modes[1] ?? 'for'],
          message: 'A wait has one setting: a duration, a time of day, or a visit.',
        });
      }
    },
    { when: always },
  );

export type WaitData = z.infer<typeof waitDataSchema>;
