/** How times, durations and ids read in the editor: short, in the merchant's time, unambiguous. */
import { zonedParts, zonedTimeToInstant } from '../../../engine/time/zoned';

let timeZone: string | undefined;

/**
 * Times show in the merchant's time zone (set at sign-in), the zone the server's own
 * sentences use ("Got the push at 10:02"), whatever zone the browser is in.
 */
export function setDisplayTimeZone(zone: string | undefined): void {
  timeZone = zone;
}

/** The zone times are shown in (undefined: the browser's). */
export function displayTimeZone(): string | undefined {
  return timeZone;
}

const sameYear = (d: Date) => d.getFullYear() === new Date().getFullYear();

/**
 * A timestamp as a person reads it: `3 Mar, 14:05` this year, `3 Mar 2024, 14:05` before.
 *
 * @example
 * formatTime('2025-03-03T13:05:00Z') // "3 Mar, 14:05" in Berlin
 */
export function formatTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString([], {
    timeZone,
    day: 'numeric',
    month: 'short',
    ...(sameYear(d) ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
  });
}

/** A duration in ms as `850 ms`, `12 s`, `4 min`, `2 h 5 min`, `3 days`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** The first 8 characters of a UUID: enough to tell rows apart, short enough to read aloud. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/**
 * The time of day of an instant, `HH:MM` on a 24-hour clock, in `timeZone` (the shop's by default).
 *
 * @example
 * formatClock('2026-12-07T08:00:00Z', 'Europe/Berlin') // "09:00"
 */
export function formatClock(iso: string, zone: string | undefined = timeZone): string {
  return new Date(iso).toLocaleTimeString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
}

/** A whole number with thousands separators. */
export function formatCount(n: number | undefined): string {
  return (n ?? 0).toLocaleString();
}

/** `<input type="datetime-local">` value of a date, as the wall clock of the display zone. */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const p = timeZone
    ? zonedParts(d, timeZone)
    : { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes() };
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** `datetime-local` value of an ISO time; empty for none or a malformed one. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : toLocalInput(d);
}

/**
 * The instant a `datetime-local` value means: that wall clock in the display zone (the
 * merchant's), so "Send at 10:00" is 10:00 in the café whatever zone the browser is in.
 * Undefined for an empty or malformed value.
 */
export function fromLocalInput(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const at = timeZone ? zonedTimeToInstant({ year, month, day }, { hour, minute }, timeZone) : new Date(year, month - 1, day, hour, minute);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (the ids of runs, customers, campaigns). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
