/**
 * Results: the indexes that let a run's result read only the goal events of its window.
 * Hold-outs need no table: a held-out member is a `run_exits` row with reason `holdout`
 * at the trigger, written with the audience snapshot. Takes `Kysely<any>`, imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A window's goal events of one merchant, read from the index alone (customer_id included).
  await sql`create index events_merchant_type_at on events (merchant_id, type, at) include (customer_id)`.execute(db);
  // A window's voucher redemptions (the goal `voucher_redeemed`).
  await sql`create index vouchers_merchant_redeemed on vouchers (merchant_id, redeemed_at) include (customer_id)
    where redeemed_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('vouchers_merchant_redeemed').execute();
  await db.schema.dropIndex('events_merchant_type_at').execute();
}
