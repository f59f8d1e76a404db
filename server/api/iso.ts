/** Timestamps in answers are ISO 8601 strings in UTC. */
import type { ColumnType } from 'kysely';

/**
 * `Generated<ColumnType<Date, …>>` columns in the schema select as the ColumnType itself
 * rather than `Date`, so this accepts both; at run time the driver always gives a Date.
 */
export function iso(value: Date | ColumnType<Date, unknown, unknown>): string {
  return (value as Date).toISOString();
}

/** {@link iso}, or null for a null column. */
export function isoOrNull(value: Date | ColumnType<Date, unknown, unknown> | null): string | null {
  return value === null ? null : iso(value);
}
