/**
 * What a delivery was as it went out: an email's subject as sent (placeholders filled), for
 * emails Postmark keeps the only other copy of; and when quiet hours held the message back
 * (the end of the window it waited for), so what the messaging rules held back is counted and
 * explained from the ledger. Takes `Kysely<any>` and imports no app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('subject', 'text').addColumn('held_until', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('subject').dropColumn('held_until').execute();
}
