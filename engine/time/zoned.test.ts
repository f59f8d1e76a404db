import { describe, expect, it } from 'vitest';
import {
  birthdayTargets,
  daysUntilBirthday,
  localDate,
  nextLocalTime,
  quietHoursEnd,
  zonedParts,
  zonedTimeToInstant,
  type PlainDate,
} from './zoned';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const at = (iso: string): Date => new Date(iso);
const date = (year: number, month: number, day: number): PlainDate => ({ year, month, day });
/** zonedTimeToInstant as an ISO string, for exact assertions. */
function instant(d: PlainDate, hhmm: string, timeZone: string): string {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToInstant(d, { hour, minute }, timeZone).toISOString();
}

describe('zonedParts', () => {
  it('reads the wall clock either side of the Berlin spring-forward jump', () => {
    expect(zonedParts(at('2026-03-29T00:59:59Z'), BERLIN)).toEqual({
      year: 2026,
      month: 3,
      day: 29,
      hour: 1,
      minute: 59,
      second: 59,
      weekday: 'sun',
    });
    expect(zonedParts(at('2026-03-29T01:00:00Z'), BERLIN)).toMatchObject({ hour: 3, minute: 0, second: 0 });
  });

  it('shows the same wall time twice across the Berlin fall-back', () => {
    expect(zonedParts(at('2026-10-25T00:30:00Z'), BERLIN)).toMatchObject({ hour: 2, minute: 30 });
    expect(zonedParts(at('2026-10-25T01:30:00Z'), BERLIN)).toMatchObject({ hour: 2, minute: 30 });
  });

  it('reports midnight as hour 0, never 24', () => {
    expect(zonedParts(at('2026-06-09T22:00:00Z'), BERLIN)).toMatchObject({ day: 10, hour: 0, weekday: 'wed' });
  });

  it('handles quarter-hour offsets and rejects unknown zones', () => {
    expect(localDate(at('2026-06-01T18:15:00Z'), 'Asia/Kathmandu')).toEqual(date(2026, 6, 2));
    expect(() => zonedParts(at('2026-06-01T00:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('zonedTimeToInstant', () => {
  it('maps ordinary times with the offset in force', () => {
    expect(instant(date(2026, 1, 15), '10:00', BERLIN)).toBe('2026-01-15T09:00:00.000Z');
    expect(instant(date(2026, 7, 15), '10:00', BERLIN)).toBe('2026-07-15T08:00:00.000Z');
    expect(instant(date(2026, 3, 29), '02:30', 'UTC')).toBe('2026-03-29T02:30:00.000Z');
    expect(instant(date(2026, 6, 1), '09:00', 'Asia/Kathmandu')).toBe('2026-06-01T03:15:00.000Z');
    expect(instant(date(2026, 7, 1), '12:00', 'Australia/Lord_Howe')).toBe('2026-07-01T01:30:00.000Z');
  });

  it('shifts a time in the spring-forward gap by the gap (Berlin 02:30 -> 03:30 CEST)', () => {
    expect(instant(date(2026, 3, 29), '01:59', BERLIN)).toBe('2026-03-29T00:59:00.000Z');
    expect(instant(date(2026, 3, 29), '02:30', BERLIN)).toBe('2026-03-29T01:30:00.000Z');
    expect(instant(date(2026, 3, 29), '03:00', BERLIN)).toBe('2026-03-29T01:00:00.000Z');
    expect(instant(date(2026, 3, 8), '02:30', NEW_YORK)).toBe('2026-03-08T07:30:00.000Z');
    expect(instant(date(2026, 3, 8), '03:00', NEW_YORK)).toBe('2026-03-08T07:00:00.000Z');
  });

  it('shifts by 30 minutes in the Lord Howe half-hour gap', () => {
    expect(instant(date(2026, 10, 4), '02:15', 'Australia/Lord_Howe')).toBe('2026-10-03T15:45:00.000Z');
    expect(instant(date(2026, 10, 4), '02:30', 'Australia/Lord_Howe')).toBe('2026-10-03T15:30:00.000Z');
  });

  it('picks the earlier instant of an ambiguous fall-back time', () => {
    expect(instant(date(2026, 10, 25), '02:30', BERLIN)).toBe('2026-10-25T00:30:00.000Z');
    expect(instant(date(2026, 10, 25), '03:00', BERLIN)).toBe('2026-10-25T02:00:00.000Z');
    expect(instant(date(2026, 11, 1), '01:30', NEW_YORK)).toBe('2026-11-01T05:30:00.000Z');
    expect(instant(date(2026, 11, 1), '02:00', NEW_YORK)).toBe('2026-11-01T07:00:00.000Z');
    expect(instant(date(2026, 4, 5), '01:45', 'Australia/Lord_Howe')).toBe('2026-04-04T14:45:00.000Z');
  });

  it('rejects an impossible date or time instead of rolling it over', () => {
    expect(() => zonedTimeToInstant(date(2026, 2, 29), { hour: 9, minute: 0 }, BERLIN)).toThrow(RangeError);
    expect(() => zonedTimeToInstant(date(2026, 2, 28), { hour: 24, minute: 0 }, BERLIN)).toThrow(RangeError);
  });
});

describe('nextLocalTime', () => {
  it('keeps a daily 10:00 Berlin at 10:00 local across spring forward (09:00Z, then 08:00Z)', () => {
    expect(nextLocalTime(at('2026-03-27T12:00:00Z'), BERLIN, '10:00').toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(nextLocalTime(at('2026-03-28T12:00:00Z'), BERLIN, '10:00').toISOString()).toBe('2026-03-29T08:00:00.000Z');
  });

  it('keeps a daily 09:00 New York at 09:00 local across fall back', () => {
    expect(nextLocalTime(at('2026-10-31T12:00:00Z'), NEW_YORK, '09:00').toISOString()).toBe('2026-10-31T13:00:00.000Z');
    expect(nextLocalTime(at('2026-10-31T13:00:00Z'), NEW_YORK, '09:00').toISOString()).toBe('2026-11-01T14:00:00.000Z');
  });

  it('is strictly after now: exactly at the time gives the next day', () => {
    expect(nextLocalTime(at('2026-03-28T09:00:00Z'), BERLIN, '10:00').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(nextLocalTime(at('2026-03-28T08:59:59.999Z'), BERLIN, '10:00').toISOString()).toBe(
      '2026-03-28T09:00:00.000Z',
    );
  });

  it('finds the next given weekday, including next week when today has passed', () => {
    expect(nextLocalTime(at('2026-03-25T12:00:00Z'), BERLIN, '10:00', 'mon').toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );
    expect(nextLocalTime(at('2026-03-30T07:00:00Z'), BERLIN, '10:00', 'mon').toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );
    expect(nextLocalTime(at('2026-03-30T08:00:00Z'), BERLIN, '10:00', 'mon').toISOString()).toBe(
      '2026-04-06T08:00:00.000Z',
    );
  });

  it('starts from the local date of the merchant zone, not of UTC', () => {
    // 02:00Z on 10 June is still 22:00 on 9 June in New York.
    expect(nextLocalTime(at('2026-06-10T02:00:00Z'), NEW_YORK, '23:00').toISOString()).toBe('2026-06-10T03:00:00.000Z');
  });

  it('uses the weekday of the merchant zone, not of UTC', () => {
    // Sunday 23:30 UTC is already Monday 01:30 in Berlin.
    expect(nextLocalTime(at('2026-06-07T23:30:00Z'), BERLIN, '02:00', 'mon').toISOString()).toBe(
      '2026-06-08T00:00:00.000Z',
    );
  });

  it('fires once per local day: the repeated fall-back hour does not count again', () => {
    expect(nextLocalTime(at('2026-10-25T00:30:00Z'), BERLIN, '02:30').toISOString()).toBe('2026-10-26T01:30:00.000Z');
  });

  it('maps a time in the spring-forward gap to the shifted instant', () => {
    expect(nextLocalTime(at('2026-03-28T12:00:00Z'), BERLIN, '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('quietHoursEnd', () => {
  const night = { start: '21:00', end: '09:00' };
  const end = (now: string, timeZone: string, window: { start: string; end: string }): string | null =>
    quietHoursEnd(at(now), timeZone, window)?.toISOString() ?? null;

  it('inside a window that wraps midnight, returns the next local end', () => {
    expect(end('2026-06-10T19:00:00Z', BERLIN, night)).toBe('2026-06-11T07:00:00.000Z'); // 21:00 CEST
    expect(end('2026-06-11T06:59:59Z', BERLIN, night)).toBe('2026-06-11T07:00:00.000Z'); // 08:59:59
  });

  it('outside a wrapping window returns null, the end itself being outside', () => {
    expect(end('2026-06-10T18:59:59Z', BERLIN, night)).toBeNull(); // 20:59:59
    expect(end('2026-06-11T07:00:00Z', BERLIN, night)).toBeNull(); // 09:00
    expect(end('2026-06-11T12:00:00Z', BERLIN, night)).toBeNull();
  });

  it('handles a same-day window', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(end('2026-06-10T10:30:00Z', BERLIN, lunch)).toBe('2026-06-10T12:00:00.000Z');
    expect(end('2026-06-10T09:59:00Z', BERLIN, lunch)).toBeNull();
    expect(end('2026-06-10T12:00:00Z', BERLIN, lunch)).toBeNull();
  });

  it('treats start === end as no window', () => {
    expect(end('2026-06-10T19:00:00Z', BERLIN, { start: '09:00', end: '09:00' })).toBeNull();
  });

  it('ends at 09:00 local across a DST change', () => {
    expect(end('2026-03-28T21:00:00Z', BERLIN, night)).toBe('2026-03-29T07:00:00.000Z'); // 22:00 CET -> 09:00 CEST
    expect(end('2026-10-24T20:00:00Z', BERLIN, night)).toBe('2026-10-25T08:00:00.000Z'); // 22:00 CEST -> 09:00 CET
    expect(end('2026-03-08T02:00:00Z', NEW_YORK, night)).toBe('2026-03-08T13:00:00.000Z'); // 21:00 EST -> 09:00 EDT
  });

  it('in the repeated fall-back hour, ends at the second pass of end', () => {
    const window = { start: '22:00', end: '02:30' };
    expect(end('2026-10-25T00:10:00Z', BERLIN, window)).toBe('2026-10-25T00:30:00.000Z'); // 02:10 CEST
    expect(end('2026-10-25T01:10:00Z', BERLIN, window)).toBe('2026-10-25T01:30:00.000Z'); // 02:10 CET
  });

  it('rejects a malformed window', () => {
    expect(() => quietHoursEnd(at('2026-06-10T12:00:00Z'), BERLIN, { start: '9pm', end: '09:00' })).toThrow(RangeError);
  });
});

describe('daysUntilBirthday', () => {
  const noon = at('2026-06-10T12:00:00Z');

  it('counts 0 for today and whole days to the next occurrence', () => {
    expect(daysUntilBirthday(6, 10, noon, BERLIN)).toBe(0);
    expect(daysUntilBirthday(6, 11, noon, BERLIN)).toBe(1);
    expect(daysUntilBirthday(6, 9, noon, BERLIN)).toBe(364);
    expect(daysUntilBirthday(1, 1, at('2026-12-31T12:00:00Z'), BERLIN)).toBe(1);
  });

  it('counts from the local date of the merchant zone', () => {
    const lateNight = at('2026-06-09T23:30:00Z'); // 10 June in Berlin, 9 June in New York
    expect(daysUntilBirthday(6, 10, lateNight, BERLIN)).toBe(0);
    expect(daysUntilBirthday(6, 10, lateNight, NEW_YORK)).toBe(1);
  });

  it('celebrates 29 February on 28 February in non-leap years, agreeing with birthdayTargets', () => {
    expect(daysUntilBirthday(2, 29, at('2026-02-28T12:00:00Z'), BERLIN)).toBe(0);
    expect(birthdayTargets(date(2026, 2, 28), 0).days).toContainEqual({ month: 2, day: 29 });
    expect(daysUntilBirthday(2, 29, at('2026-03-01T12:00:00Z'), BERLIN)).toBe(364); // 2027-02-28
    expect(daysUntilBirthday(2, 29, at('2027-03-01T12:00:00Z'), BERLIN)).toBe(365); // 2028-02-29
    expect(daysUntilBirthday(2, 28, at('2028-02-28T12:00:00Z'), BERLIN)).toBe(0);
  });

  it('rejects an impossible birthday', () => {
    expect(() => daysUntilBirthday(2, 30, noon, BERLIN)).toThrow(RangeError);
    expect(() => daysUntilBirthday(13, 1, noon, BERLIN)).toThrow(RangeError);
  });
});
