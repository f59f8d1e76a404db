/**
 * Keyset pagination. A cursor is opaque to clients: base64url of the JSON array of the
 * last row's sort key. Timestamps in keys are Postgres text (microsecond precision), so
 * the next page starts exactly after the last row even when rows share a millisecond.
 */
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { ApiError } from './errors';
import { isUuid } from './validate';

/** `limit` (1..1000, default 100) and `cursor` query parameters. */
export const pageQuery = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 1 to 1000')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be from 1 to 1000').max(1000, 'must be from 1 to 1000'))
    .default(100),
  cursor: z.string().optional(),
});

/** Encodes a sort key as a cursor. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** What each part of a sort key must be, so a forged cursor is a 400 and never a SQL error. */
export type KeyPart = 'timestamp' | 'uuid' | 'int' | 'text';

const PART_RULES: Record<KeyPart, (v: unknown) => boolean> = {
  timestamp: (v) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/.test(v),
  uuid: (v) => typeof v === 'string' && isUuid(v),
  int: (v) => Number.isSafeInteger(v),
  text: (v) => typeof v === 'string',
};

/** Decodes a cursor made by {@link encodeCursor} whose parts are `parts`; a bad one is a 400. */
export function decodeCursor(cursor: string, parts: readonly KeyPart[]): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === parts.length && parts.every((part, i) => PART_RULES[part](key[i]))) {
      return key as (string | number)[];
    }
  } catch {
    // falls through to the 400 below
  }
  throw new ApiError('bad_request', 'cursor is not a cursor this endpoint returned');
}

/**
 * The keyset condition of lists ordered by (created_at, id): the rows after the cursor's
 * row, oldest first (`asc`) or newest first (`desc`). `table` qualifies the columns in joins.
 */
export function createdAfter(cursor: string, direction: 'asc' | 'desc', table?: string): RawBuilder<boolean> {
  const [createdAt, id] = decodeCursor(cursor, ['timestamp', 'uuid']);
  const createdCol = sql.ref(table ? `${table}.created_at` : 'created_at');
  const idCol = sql.ref(table ? `${table}.id` : 'id');
  const after = direction === 'asc' ? sql`>` : sql`<`;
  return sql<boolean>`(${createdCol}, ${idCol}) ${after} (${createdAt}::timestamptz, ${id}::uuid)`;
}

/**
 * Cuts a page fetched with `limit + 1` rows down to `limit` and makes the next cursor.
 */
export function page<Row, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => readonly (string | number)[],
): { items: Item[]; nextCursor?: string } {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  const items = shown.map(toItem);
  return rows.length > limit && last !== undefined ? { items, nextCursor: encodeCursor(keyOf(last)) } : { items };
}
