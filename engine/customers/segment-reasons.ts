/**
 * Why a segment said "else" to a customer, condition by condition, with today's values (a
 * run records the decision, not the values it was made on): "has 3 stamps, the segment
 * wants stamps ≥ 5". Decided by the segment step's own `matchesSegment`.
 */
import { matchesSegment, type SegmentSubject } from '../audience/segment';
import type { SegmentCondition, SegmentStep } from '../compiler/plan';
import { daysUntilBirthday } from '../time/zoned';

/** When and where "today" is. */
interface Today {
  readonly now: Date;
  readonly timeZone: string;
}

/** The failing conditions of a segment with today's values: "has 3 stamps, the check wants stamps ≥ 5". */
export function segmentReasons(step: SegmentStep, who: SegmentSubject, ctx: Today): string {
  const failing = step.conditions.filter((c) => !matchesSegment({ match: 'all', conditions: [c] }, who, ctx.now, ctx.timeZone));
  return failing.map((c) => `${actual(c, who, ctx)}, the check wants ${conditionWords(c)}`).join('; ');
}

const OPS = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;
const LABELS = {
  stamps: 'stamps',
  daysSinceLastVisit: 'days since the last visit',
  daysSinceJoined: 'days since joining',
  birthdayInDays: 'days until the birthday',
  emailConsent: 'email consent',
  hasEmail: 'an email address',
} as const;

/** A condition in words: `stamps ≥ 5`, `email consent = yes`. */
export function conditionWords(c: SegmentCondition): string {
  const value = typeof c.value === 'boolean' ? (c.value ? 'yes' : 'no') : String(c.value);
  return `${LABELS[c.field]} ${OPS[c.op]} ${value}`;
}

function actual(c: SegmentCondition, who: SegmentSubject, ctx: Today): string {
  const daysSince = (d: Date) => Math.floor((ctx.now.getTime() - d.getTime()) / 86_400_000);
  switch (c.field) {
    case 'stamps':
      return `has ${who.stamps} stamp${who.stamps === 1 ? '' : 's'}`;
    case 'daysSinceLastVisit':
      return who.lastVisitAt ? `last visited ${daysSince(who.lastVisitAt)} days ago` : `never visited (joined ${daysSince(who.joinedAt)} days ago)`;
    case 'daysSinceJoined':
      return `joined ${daysSince(who.joinedAt)} days ago`;
    case 'birthdayInDays':
      return who.birthdayMonth && who.birthdayDay
        ? `birthday in ${daysUntilBirthday(who.birthdayMonth, who.birthdayDay, ctx.now, ctx.timeZone)} days`
        : 'no birthday on file';
    case 'emailConsent':
      return who.emailConsent ? 'has consented to email' : 'has not consented to email';
    case 'hasEmail':
      return who.email ? 'has an email address' : 'has no email address';
    default: {
      const unknown: never = c.field;
      return String(unknown);
    }
  }
}
