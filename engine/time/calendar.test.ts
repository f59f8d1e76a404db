import { describe, expect, it } from 'vitest';
import { addDays, birthdayTargets, daysBetween, isLeapYear, parseTimeOfDay, weekdayOf } from './calendar';

describe('isLeapYear', () => {
  it('treats years divisible by 4 as leap, except centuries not divisible by 400', () => {
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(2026)).toBe(false);
    expect(isLeapYear(2100)).toBe(false);
    expect(isLeapYear(2000)).toBe(true);
  });
});

describe('addDays', () => {
  it('steps into 29 February only in a leap year', () => {
    expect(addDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addDays({ year: 2026, month: 2, day: 28 }, 1)).toEqual({ year: 2026, month: 3, day: 1 });
    expect(addDays({ year: 2100, month: 2, day: 28 }, 1)).toEqual({ year: 2100, month: 3, day: 1 });
  });

  it('crosses year ends in both directions', () => {
    expect(addDays({ year: 2026, month: 12, day: 28 }, 7)).toEqual({ year: 2027, month: 1, day: 4 });
    expect(addDays({ year: 2027, month: 1, day: 1 }, -1)).toEqual({ year: 2026, month: 12, day: 31 });
    expect(addDays({ year: 2026, month: 1, day: 1 }, 365)).toEqual({ year: 2027, month: 1, day: 1 });
  });

  it('keeps years below 100 as given instead of mapping them to the 1900s', () => {
    expect(addDays({ year: 50, month: 1, day: 1 }, 1)).toEqual({ year: 50, month: 1, day: 2 });
  });

  it('rejects an impossible date and a fractional day count', () => {
    expect(() => addDays({ year: 2026, month: 2, day: 29 }, 0)).toThrow(RangeError);
    expect(() => addDays({ year: 2026, month: 13, day: 1 }, 0)).toThrow(RangeError);
    expect(() => addDays({ year: 2026, month: 1, day: 1 }, 0.5)).toThrow(RangeError);
  });
});

describe('daysBetween and weekdayOf', () => {
  it('counts calendar days and names the weekday', () => {
    expect(daysBetween({ year: 2027, month: 3, day: 1 }, { year: 2028, month: 2, day: 29 })).toBe(365);
    expect(daysBetween({ year: 2026, month: 3, day: 2 }, { year: 2026, month: 3, day: 1 })).toBe(-1);
    expect(weekdayOf({ year: 2026, month: 3, day: 29 })).toBe('sun');
    expect(weekdayOf({ year: 2026, month: 3, day: 30 })).toBe('mon');
  });
});

describe('parseTimeOfDay', () => {
  it('parses two-digit hours and minutes', () => {
    expect(parseTimeOfDay('00:00')).toEqual({ hour: 0, minute: 0 });
    expect(parseTimeOfDay('09:05')).toEqual({ hour: 9, minute: 5 });
    expect(parseTimeOfDay('23:59')).toEqual({ hour: 23, minute: 59 });
  });

  it.each(['24:00', '12:60', '9:00', '09:0', '', '09:00:00', ' 09:00', 'ab:cd'])('throws on %j', (time) => {
    expect(() => parseTimeOfDay(time)).toThrow(RangeError);
  });
});

describe('birthdayTargets', () => {
  it('on 28 February of a non-leap year includes 29 February birthdays', () => {
    expect(birthdayTargets({ year: 2026, month: 2, day: 28 }, 0)).toEqual({
      year: 2026,
      days: [
        { month: 2, day: 28 },
        { month: 2, day: 29 },
      ],
    });
    expect(birthdayTargets({ year: 2100, month: 2, day: 21 }, 7).days).toContainEqual({ month: 2, day: 29 });
  });

  it('in a leap year keeps 28 and 29 February apart', () => {
    expect(birthdayTargets({ year: 2028, month: 2, day: 28 }, 0)).toEqual({
      year: 2028,
      days: [{ month: 2, day: 28 }],
    });
    expect(birthdayTargets({ year: 2028, month: 2, day: 29 }, 0)).toEqual({
      year: 2028,
      days: [{ month: 2, day: 29 }],
    });
    expect(birthdayTargets({ year: 2028, month: 2, day: 22 }, 7)).toEqual({
      year: 2028,
      days: [{ month: 2, day: 29 }],
    });
  });

  it('reports the year of the birthday occurrence across a year end', () => {
    expect(birthdayTargets({ year: 2026, month: 12, day: 28 }, 7)).toEqual({
      year: 2027,
      days: [{ month: 1, day: 4 }],
    });
  });

  it('never includes 29 February on 1 March of a non-leap year', () => {
    expect(birthdayTargets({ year: 2026, month: 2, day: 22 }, 7)).toEqual({ year: 2026, days: [{ month: 3, day: 1 }] });
  });
});
