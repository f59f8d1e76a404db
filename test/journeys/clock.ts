/**
 * Merchant wall clock for the journey tests (createMerchant's zone, Europe/Berlin), worked
 * out with `Intl` alone, so expectations never borrow the engine's own date arithmetic.
 */
export const ZONE = 'Europe/Berlin';
const MINUTE = 60_000;

/** A calendar date; `month` is 1-12. */
export interface Day {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const clockFormat = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The merchant's calendar date at `at`. */
export function merchantDay(at: Date = new Date()): Day {
  const [year, month, day] = dateFormat.format(at).split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** `HH:MM` on the merchant's clock at `at`. */
export function merchantClock(at: Date): string {
  return clockFormat.format(at);
}

/** The date `days` after `day` (negative: before). */
export function plusDays(day: Day, days: number): Day {
  const t = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Whole days from `from` to `to`. */
export function daysBetween(from: Day, to: Day): number {
  return (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000;
}

/** The birthday import format without a year: `MM-DD`. */
export function monthDay(day: Day): string {
  return `${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

/**
 * A daily time (`HH:MM`) twelve hours away, so a flow's Schedule never fires by itself
 * while a test fires its cohort by hand.
 */
export function farFromNow(): string {
  return merchantClock(new Date(Date.now() + 12 * 60 * MINUTE));
}

/**
 * Waits out the last half minute before local midnight, so "today" cannot change between
 * the test computing it and the engine reading it.
 */
export async function awayFromMidnight(): Promise<void> {
  const now = new Date();
  const tomorrow = merchantDay(new Date(now.getTime() + 30_000));
  const today = merchantDay(now);
  if (daysBetween(today, tomorrow) === 0) return;
  await new Promise((resolve) => setTimeout(resolve, 31_000));
}
