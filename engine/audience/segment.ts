/**
 * Decides a segment step for one customer. Pure: `now` and the merchant's time zone are
 * passed in, so the same inputs always give the same answer.
 */
import type { ComparisonOp, SegmentCondition, SegmentStep } from '../compiler/plan';
import { daysUntilBirthday } from '../time/zoned';

/** Days from today (merchant time) to the next birthday; 29 February falls on 28 February in other years. */
export { daysUntilBirthday };

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
