/**
 * Zod building blocks that speak to merchants: each error message names the setting in
 * the editor's words, so compiler diagnostics can show zod's message unchanged.
 */
import { z } from 'zod';

/** Runs an object-level refinement even when a property already failed (report all at once). */
export const always = (): boolean => true;

/** A required whole number in [min, max]; `label` is the setting as the editor names it. */
export function wholeNumber(label: string, min: number, max: number) {
  return z
    .number({ error: (iss) => (iss.input === undefined ? `${label} is missing.` : `${label} must be a number.`) })
    .int({ error: `${label} must be a whole number.` })
    .min(min, { error: `${label} must be at least ${min}.` })
    .max(max, { error: `${label} can be at most ${max.toLocaleString('en')}.` });
}

/** A required string; the messages for "missing" and "not text" name the setting. */
export function text(label: string) {
  return z.string({
    error: (iss) => (iss.input === undefined || iss.input === null ? `${label} is missing.` : `${label} must be text.`),
  });
}

/** True for a string with at least one non-whitespace character. */
export function isNonBlank(value: string): boolean {
  return value.trim().length > 0;
}

/** A local time of day, `HH:MM` on a 24-hour clock. */
export const timeOfDay = z
  .string({ error: 'Set a time of day.' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Time must be HH:MM on a 24-hour clock, e.g. 10:00.' });

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const weekday = z.enum(WEEKDAYS, { error: 'Choose a day of the week.' });
