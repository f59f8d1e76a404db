/**
 * Nearby nudges: the merchant's shop locations (at most 10 reach a pass) and, on each pass,
 * the nearby text a push set with its time window. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // `[{name, address, latitude, longitude}]`, replaced whole by `PUT /v1/merchant/settings`.
  await db.schema
    .alterTable('merchants')
    .addColumn('locations', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema
    .alterTable('passes')
    // Shown near the shops until `nearby_until`; null: the card's default nearby text.
    .addColumn('nearby_text', 'text')
    // A dated offer's window: the pass is relevant from `nearby_from` to `nearby_until`.
    .addColumn('nearby_from', 'timestamptz')
    .addColumn('nearby_until', 'timestamptz')
    // The last pushed message has a long text (on the card page): the lock screen says so.
    .addColumn('message_has_more', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('passes')
    .dropColumn('nearby_text')
    .dropColumn('nearby_from')
    .dropColumn('nearby_until')
    .dropColumn('message_has_more')
    .execute();
  await db.schema.alterTable('merchants').dropColumn('locations').execute();
}
