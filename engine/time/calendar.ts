/**
 * Calendar arithmetic on plain dates and times of day: no time zone, no DST. The zone-aware
 * half lives in `zoned.ts`, which re-exports the public part of this module.
 */

/** Day of the week, lower-case three letters. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A calendar date without a time zone. `month` is 1-12. */
export interface PlainDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Milliseconds in a calendar day (UTC has no DST, so this is exact for {@link wallClockMs}). */
export const DAY_MS = 86_400_000;

/** Weekdays indexed by `Date#getUTCDay()` (0 = Sunday). */
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Milliseconds of a wall-clock reading as if it were UTC: the common scale for calendar maths
 * and offset computation. Uses setUTCFullYear because Date.UTC maps years 0-99 to 1900-1999.
 */
export function wallClockMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  return t.getTime();
}

/** Gregorian leap year: every 4th year, except centuries not divisible by 400. */
export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Throws a RangeError unless `date` names a real calendar day (so 2026-02-30 never rolls over silently). */
export function assertPlainDate(date: PlainDate): void {
  const { year, month, day } = date;
  const ok = [year, month, day].every(Number.isInteger) && month >= 1 && month <= 12 && day >= 1;
  if (!ok || day > daysInMonth(year, month)) throw new RangeError(`Invalid date ${JSON.stringify(date)}`);
}

/** Calendar arithmetic on plain dates (no time zone involved). `days` may be negative. */
export function addDays(date: PlainDate, days: number): PlainDate {
  assertPlainDate(date);
  if (!Number.isInteger(days)) throw new RangeError(`addDays: days must be an integer, got ${days}`);
  const t = new Date(wallClockMs(date.year, date.month, date.day) + days * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: PlainDate, to: PlainDate): number {
  return (wallClockMs(to.year, to.month, to.day) - wallClockMs(from.year, from.month, from.day)) / DAY_MS;
}

/** The weekday of a calendar date. */
export function weekdayOf(date: PlainDate): Weekday {
  return WEEKDAYS[new Date(wallClockMs(date.year, date.month, date.day)).getUTCDay()] as Weekday;
}

/** "HH:MM" (two digits each, 00:00-23:59) -> {hour, minute}; throws a RangeError on malformed. */
export function parseTimeOfDay(time: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`Expected a time "HH:MM" (00:00-23:59), got ${JSON.stringify(time)}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The day a birthday is celebrated in `year`: 29 February falls back to 28 February in non-leap years. */
export function observedBirthday(month: number, day: number, year: number): { month: number; day: number } {
  return month === 2 && day === 29 && !isLeapYear(year) ? { month: 2, day: 28 } : { month, day };
}

/**
 * Birthday cohort: the (month, day) pairs whose birthday is exactly `daysBefore` days after
 * `today`, and the year of that occurrence. On 28 February of a non-leap year the result also
 * includes 29 February (see {@link observedBirthday}); on 29 February of a leap year only 2/29.
 */
export function birthdayTargets(
  today: PlainDate,
  daysBefore: number,
): { readonly year: number; readonly days: ReadonlyArray<{ month: number; day: number }> } {
  const target = addDays(today, daysBefore);
  const days = [{ month: target.month, day: target.day }];
  if (target.month === 2 && target.day === 28 && !isLeapYear(target.year)) days.push({ month: 2, day: 29 });
  return { year: target.year, days };
}

/** `YYYY-MM-DD`, as a customer reads a date in a message. */
export function formatPlainDate(date: PlainDate): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}
