/** Field rules shared by the API and the use-cases that check what clients send. */
import { z } from 'zod';
import { isUuid } from './ids';

/** True when `Intl` knows the IANA zone name. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A lower-cased, trimmed email address. */
export const emailAddress = () => z.string().trim().toLowerCase().pipe(z.email('must be an email address'));

export interface Birthday {
  readonly month: number;
  readonly day: number;
  readonly year: number | null;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Parses "MM-DD" or "YYYY-MM-DD" into a real calendar date; undefined when it is not one.
 * Without a year Feb 29 is allowed (the customer may be a leap-day child).
 *
 * @example parseBirthday('02-29') // {month: 2, day: 29, year: null}
 */
export function parseBirthday(value: string): Birthday | undefined {
  const match = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const year = match[1] === undefined ? null : Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const max = month === 2 && year !== null && !isLeapYear(year) ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > max) return undefined;
  if (year !== null && (year < 1900 || year > new Date().getUTCFullYear())) return undefined;
  return { month, day, year };
}

/** Formats stored birthday columns back to "MM-DD" or "YYYY-MM-DD". */
export function formatBirthday(month: number | null, day: number | null, year: number | null): string | null {
  if (month === null || day === null) return null;
  const md = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return year === null ? md : `${String(year).padStart(4, '0')}-${md}`;
}

/** A birthday field: "MM-DD" or "YYYY-MM-DD", a real date. */
export const birthday = () =>
  z.string().transform((value, ctx) => {
    const parsed = parseBirthday(value);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: 'must be a real date as "MM-DD" or "YYYY-MM-DD"' });
      return z.NEVER;
    }
    return parsed;
  });

/** A UUID field, lower-cased. */
export const uuid = () =>
  z
    .string()
    .refine(isUuid, 'must be a UUID')
    .transform((v) => v.toLowerCase());

/** An ISO 8601 timestamp with an offset (`2025-03-01T10:00:00Z`) or a date (`2025-03-01`). */
export const timestamp = () =>
  z.union([z.iso.datetime({ offset: true }), z.iso.date()], 'must be an ISO 8601 date or timestamp');
