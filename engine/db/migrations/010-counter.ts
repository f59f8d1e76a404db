/**
 * The counter screen: a stamp given by mistake can be undone for a few minutes. The event
 * stays (its id keeps a repeated request harmless) and is marked undone. Takes
 * `Kysely<any>` and imports no app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').addColumn('undone_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('undone_at').execute();
}
