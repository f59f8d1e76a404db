/**
 * Decides a segment step for one customer. Pure: `now` and the merchant's time zone are
 * passed in, so the same inputs always give the same answer.
 */
import type { ComparisonOp, SegmentCondition, SegmentStep } from '../../engine/flow/plan';

export interface SegmentSubject {
  readonly stamps: number;
  readonly email: string | null;
  readonly emailConsent: boolean;
  readonly joinedAt: Date;
  readonly lastVisitAt: Date | null;
  readonly birthdayMonth: number | null;
  readonly birthdayDay: number | null;
}

const DAY_MS = 86_400_000;

/** True when the subject matches the step (`all` or `any` of its conditions). */
export function matchesSegment(step: Pick<SegmentStep, 'match' | 'conditions'>, who: SegmentSubject, now: Date, timeZone: string): boolean {
  const test = (c: SegmentCondition) => matchesCondition(c, who, now, timeZone);
  return step.match === 'all' ? step.conditions.every(test) : step.conditions.some(test);
}

function matchesCondition(c: SegmentCondition, who: SegmentSubject, now: Date, timeZone: string): boolean {
  const actual = fieldValue(c.field, who, now, timeZone);
  if (actual === null) return false; // an unknown value (no birthday) matches nothing
  return compare(actual, c.op, c.value);
}

function fieldValue(field: SegmentCondition['field'], who: SegmentSubject, now: Date, timeZone: string): number | boolean | null {
  switch (field) {
    case 'stamps':
      return who.stamps;
    case 'daysSinceLastVisit':
      return Math.floor((now.getTime() - (who.lastVisitAt ?? who.joinedAt).getTime()) / DAY_MS);
    case 'daysSinceJoined':
      return Math.floor((now.getTime() - who.joinedAt.getTime()) / DAY_MS);
    case 'emailConsent':
      return who.emailConsent;
    case 'hasEmail':
      return who.email !== null && who.email !== '';
    case 'birthdayInDays':
      return who.birthdayMonth && who.birthdayDay ? daysUntilBirthday(who.birthdayMonth, who.birthdayDay, now, timeZone) : null;
    default: {
      const unknown: never = field;
      throw new Error(`unknown segment field ${String(unknown)}`);
    }
  }
}

function compare(actual: number | boolean, op: ComparisonOp, expected: number | boolean): boolean {
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'gt':
      return actual > expected;
    case 'gte':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'lte':
      return actual <= expected;
    default: {
      const unknown: never = op;
      throw new Error(`unknown operator ${String(unknown)}`);
    }
  }
}

/**
 * Days from today (in the merchant's time zone) until the next birthday: 0 on the day.
 * A 29 February birthday falls on 28 February in other years.
 */
export function daysUntilBirthday(month: number, day: number, now: Date, timeZone: string): number {
  const parts = dayFormatter(timeZone)
    .formatToParts(now)
    .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  const year = parts.year ?? now.getUTCFullYear();
  const today = Date.UTC(year, (parts.month ?? 1) - 1, parts.day ?? 1);
  const on = (y: number) => {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const d = month === 2 && day === 29 && !leap ? 28 : day;
    return Date.UTC(y, month - 1, d);
  };
  const next = on(year) >= today ? on(year) : on(year + 1);
  return Math.round((next - today) / DAY_MS);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formatters are costly to build; a page of customers shares one per time zone. */
function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}
