import { describe, expect, it } from 'vitest';
import { daysUntilBirthday, matchesSegment, type SegmentSubject } from './segment';

const now = new Date('2026-03-10T12:00:00Z');
const regular: SegmentSubject = {
  stamps: 4,
  email: 'ana@example.com',
  emailConsent: true,
  joinedAt: new Date('2026-01-01T00:00:00Z'),
  lastVisitAt: new Date('2026-02-01T12:00:00Z'),
  birthdayMonth: 3,
  birthdayDay: 15,
};

describe('matchesSegment', () => {
  it('needs every condition for match "all" and one for "any"', () => {
    const conditions = [
      { field: 'stamps', op: 'gte', value: 5 },
      { field: 'emailConsent', op: 'eq', value: true },
    ] as const;
    expect(matchesSegment({ match: 'all', conditions }, regular, now, 'UTC')).toBe(false);
    expect(matchesSegment({ match: 'any', conditions }, regular, now, 'UTC')).toBe(true);
  });

  it('counts days since the last visit, or since joining when never visited', () => {
    const c = [{ field: 'daysSinceLastVisit', op: 'eq', value: 37 }] as const;
    expect(matchesSegment({ match: 'all', conditions: c }, regular, now, 'UTC')).toBe(true);
    const never = { ...regular, lastVisitAt: null };
    const d = [{ field: 'daysSinceLastVisit', op: 'eq', value: 68 }] as const;
    expect(matchesSegment({ match: 'all', conditions: d }, never, now, 'UTC')).toBe(true);
  });

  it('matches no birthday condition when the birthday is unknown', () => {
    const c = [{ field: 'birthdayInDays', op: 'gte', value: 0 }] as const;
    expect(matchesSegment({ match: 'all', conditions: c }, { ...regular, birthdayMonth: null }, now, 'UTC')).toBe(false);
  });

  it('treats an empty address as no email', () => {
    const c = [{ field: 'hasEmail', op: 'eq', value: false }] as const;
    expect(matchesSegment({ match: 'all', conditions: c }, { ...regular, email: '' }, now, 'UTC')).toBe(true);
  });
});

describe('daysUntilBirthday', () => {
  it('is 0 on the day and counts forward into next year', () => {
    expect(daysUntilBirthday(3, 10, now, 'UTC')).toBe(0);
    expect(daysUntilBirthday(3, 15, now, 'UTC')).toBe(5);
    expect(daysUntilBirthday(3, 9, now, 'UTC')).toBe(364);
  });

  it('uses the merchant time zone for "today"', () => {
    const lateEvening = new Date('2026-03-10T23:30:00Z');
    expect(daysUntilBirthday(3, 11, lateEvening, 'UTC')).toBe(1);
    expect(daysUntilBirthday(3, 11, lateEvening, 'Europe/Berlin')).toBe(0);
  });

  it('celebrates 29 February on 28 February in common years', () => {
    expect(daysUntilBirthday(2, 29, new Date('2027-02-27T12:00:00Z'), 'UTC')).toBe(1);
  });
});
