/**
 * Card logos: the merchant's uploaded logo for a card, kept as a PNG already fitted to the
 * pass's logo slot at @3x (480×150 px), so the pass, the card page and the poster read it
 * without touching the original. One row per card; takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('card_logos')
    .addColumn('card_id', 'uuid', (c) => c.primaryKey().references('cards.id').onDelete('cascade'))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('png', 'bytea', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('card_logos').execute();
}
