/**
 * Merchant-local date arithmetic: wall clocks in IANA time zones and the DST rules the
 * scheduler relies on. Pure (only `Intl.DateTimeFormat` and `Date`), so the Temporal workflow
 * sandbox, the API and the editor can all import it. The entry point of `engine/time`.
 */
import {
  DAY_MS,
  WEEKDAYS,
  addDays,
  assertPlainDate,
  daysBetween,
  formatPlainDate,
  observedBirthday,
  parseTimeOfDay,
  wallClockMs,
  weekdayOf,
  type PlainDate,
  type Weekday,
} from './calendar';

export { addDays, birthdayTargets, formatPlainDate, isLeapYear, parseTimeOfDay, type PlainDate, type Weekday } from './calendar';

// Constructing a DateTimeFormat costs far more than formatting with one; zones are few.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // 'en-US' pins the weekday names parsed below; h23 avoids "24" for midnight.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Wall-clock parts of an instant in a zone. Throws a RangeError for an unknown zone or an invalid Date. */
export function zonedParts(
  instant: Date,
  timeZone: string,
): PlainDate & { hour: number; minute: number; second: number; weekday: Weekday } {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) fields[part.type] = part.value;
  const weekday = WEEKDAYS.find((w) => w === fields.weekday?.toLowerCase());
  if (!weekday) throw new Error(`Unexpected weekday ${JSON.stringify(fields.weekday)} from Intl`);
  const num = (type: string): number => Number(fields[type]);
  return {
    year: num('year'),
    month: num('month'),
    day: num('day'),
    hour: num('hour'),
    minute: num('minute'),
    second: num('second'),
    weekday,
  };
}

/** The local calendar date of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): PlainDate {
  const { year, month, day } = zonedParts(instant, timeZone);
  return { year, month, day };
}

// The zone's UTC offset at an instant, in ms (seconds precision, like the formatter).
function offsetMs(epochMs: number, timeZone: string): number {
  const p = zonedParts(new Date(epochMs), timeZone);
  return wallClockMs(p.year, p.month, p.day, p.hour, p.minute, p.second) - Math.floor(epochMs / 1000) * 1000;
}

// Every instant at which the wall clock shows date+time, earliest first: one normally, two in a
// fall-back overlap, and in a spring-forward gap the wall time shifted by the gap. The offsets a
// day either side bracket the candidates; real zones change offset at most once in that span.
function wallClockInstants(date: PlainDate, time: { hour: number; minute: number }, timeZone: string): Date[] {
  assertPlainDate(date);
  const { hour, minute } = time;
  if (![hour, minute].every(Number.isInteger) || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw new RangeError(`Invalid time of day ${JSON.stringify(time)}`);
  }
  const wall = wallClockMs(date.year, date.month, date.day, hour, minute);
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const exact = [...new Set([wall - before, wall - after])]
    .filter((t) => offsetMs(t, timeZone) === wall - t)
    .sort((a, b) => a - b);
  // In a gap, the pre-transition offset lands the same distance past the jump (02:30 -> 03:30).
  return (exact.length > 0 ? exact : [wall - before]).map((t) => new Date(t));
}

/**
 * The instant at which the wall clock in `timeZone` shows date+time. DST: a local time that
 * does not exist (spring-forward gap) maps to the same wall time shifted by the gap (02:30 on a
 * day clocks jump 02:00->03:00 gives 03:30 local); an ambiguous local time (fall-back) maps to
 * the EARLIER of the two instants. Throws a RangeError on an invalid date or time.
 */
export function zonedTimeToInstant(date: PlainDate, time: { hour: number; minute: number }, timeZone: string): Date {
  return wallClockInstants(date, time, timeZone)[0] as Date;
}

// First wall-clock occurrence of `time` strictly after `now`. `everyOccurrence` also counts the
// second pass of a fall-back overlap; schedules skip it so they fire once per local day.
function firstAfter(
  now: Date,
  timeZone: string,
  time: { hour: number; minute: number },
  weekday: Weekday | undefined,
  everyOccurrence: boolean,
): Date {
  if (weekday !== undefined && !WEEKDAYS.includes(weekday)) throw new RangeError(`Invalid weekday ${String(weekday)}`);
  const today = localDate(now, timeZone);
  // Eight days: today (time already passed) plus a full week covers any weekday.
  for (let i = 0; i <= 7; i++) {
    const date = addDays(today, i);
    if (weekday !== undefined && weekdayOf(date) !== weekday) continue;
    const instants = wallClockInstants(date, time, timeZone);
    for (const instant of everyOccurrence ? instants : instants.slice(0, 1)) {
      if (instant.getTime() > now.getTime()) return instant;
    }
  }
  throw new Error('nextLocalTime: no occurrence within eight days');
}

/**
 * The first instant strictly after `now` at which the local clock shows `time` ("HH:MM"), on
 * `weekday` when given, otherwise any day. DST-correct via {@link zonedTimeToInstant}: at most
 * one occurrence per local day (the earlier one in a fall-back overlap).
 */
export function nextLocalTime(now: Date, timeZone: string, time: string, weekday?: Weekday): Date {
  return firstAfter(now, timeZone, parseTimeOfDay(time), weekday, false);
}

/**
 * Quiet hours: when `now` (in `timeZone`) is inside the daily window [start, end) given as
 * "HH:MM" (it may wrap midnight, e.g. 21:00-09:00; start === end means no window), the instant
 * the window ends (the next local `end`); otherwise null. Inside-ness is read off the wall clock,
 * so during the repeated hour of a fall-back the second pass of `end` counts too.
 */
export function quietHoursEnd(now: Date, timeZone: string, window: { start: string; end: string }): Date | null {
  const start = parseTimeOfDay(window.start);
  const end = parseTimeOfDay(window.end);
  const s = start.hour * 60 + start.minute;
  const e = end.hour * 60 + end.minute;
  if (s === e) return null;
  const { hour, minute } = zonedParts(now, timeZone);
  const current = hour * 60 + minute;
  const inside = s < e ? current >= s && current < e : current >= s || current < e;
  return inside ? firstAfter(now, timeZone, end, undefined, true) : null;
}

/**
 * Days until the next occurrence of a birthday (0 = today in `timeZone`), celebrating 29
 * February on 28 February in non-leap years. Throws a RangeError for an impossible birthday.
 */
export function daysUntilBirthday(month: number, day: number, now: Date, timeZone: string): number {
  assertPlainDate({ year: 2000, month, day }); // 2000 is a leap year: allows 29 February
  const today = localDate(now, timeZone);
  for (const year of [today.year, today.year + 1]) {
    const days = daysBetween(today, { year, ...observedBirthday(month, day, year) });
    if (days >= 0) return days;
  }
  throw new Error('daysUntilBirthday: unreachable');
}

/** `YYYY-MM-DD HH:mm`: an instant as the merchant reads it on a wall clock in `timeZone`. */
export function formatLocalDateTime(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatPlainDate(p)} ${pad(p.hour)}:${pad(p.minute)}`;
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `7 Dec` (or `7 Dec 14:19` with `withTime`): an instant as people say it, on the wall clock of `timeZone`.
 *
 * @example
 * formatShortLocal(new Date('2026-12-07T13:19:00Z'), 'Europe/Berlin', true) // '7 Dec 14:19'
 */
export function formatShortLocal(instant: Date, timeZone: string, withTime = false): string {
  const p = zonedParts(instant, timeZone);
  const date = `${p.day} ${SHORT_MONTHS[p.month - 1] ?? ''}`;
  return withTime ? `${date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}` : date;
}
