import { afterEach, describe, expect, it } from 'vitest';
import { fromLocalInput, setDisplayTimeZone, toLocalInput } from './format';

describe('datetime-local values in the merchant’s zone', () => {
  afterEach(() => setDisplayTimeZone(undefined));

  it('reads "Send at 10:00" as 10:00 in the shop, in winter and after the DST change', () => {
    setDisplayTimeZone('Europe/Berlin');
    expect(fromLocalInput('2026-01-10T10:00')?.toISOString()).toBe('2026-01-10T09:00:00.000Z');
    expect(fromLocalInput('2026-03-29T10:00')?.toISOString()).toBe('2026-03-29T08:00:00.000Z');
    setDisplayTimeZone('America/New_York');
    expect(fromLocalInput('2026-01-10T10:00')?.toISOString()).toBe('2026-01-10T15:00:00.000Z');
  });

  it('writes an instant as the shop’s wall clock, and round-trips', () => {
    setDisplayTimeZone('Europe/Berlin');
    expect(toLocalInput(new Date('2026-03-29T08:00:00Z'))).toBe('2026-03-29T10:00');
    expect(toLocalInput(fromLocalInput('2026-07-01T23:45')!)).toBe('2026-07-01T23:45');
  });

  it('answers undefined for an empty or malformed value', () => {
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('2026-13-45')).toBeUndefined();
  });
});
