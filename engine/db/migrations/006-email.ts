/**
 * Email that providers and the law accept: consent history, unsubscribes, the provider's
 * delivery events on each delivery, replay-proof webhooks, suppressions with their cause
 * and an audit of removals, the merchant's footer details, and the secret that signs
 * unsubscribe links. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The footer of every email: the sender's postal address (CAN-SPAM) and brand colour.
  await db.schema
    .alterTable('merchants')
    .addColumn('postal_address', 'text')
    .addColumn('brand_color', 'text')
    .execute();

  // Set when the customer unsubscribed (link, complaint, provider) rather than never agreeing:
  // a skipped email then says `unsubscribed`, not `no_consent`.
  await db.schema.alterTable('customers').addColumn('unsubscribed_at', 'timestamptz').execute();

  // Every change of a customer's email consent, newest read first.
  await db.schema
    .createTable('consent_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    // 'granted' | 'withdrawn'
    .addColumn('state', 'text', (c) => c.notNull())
    // 'import' | 'api' | 'unsubscribe_link' | 'resubscribe_link' | 'provider_complaint' | 'provider_subscription_change'
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await db.schema
    .createIndex('consent_events_customer_at')
    .on('consent_events')
    .columns(['customer_id', 'at'])
    .execute();
  // Customers from before this migration start their history with the consent they had.
  await sql`insert into consent_events (merchant_id, customer_id, state, source, at)
    select merchant_id, id, case when email_consent then 'granted' else 'withdrawn' end, 'import', created_at
    from customers`.execute(db);

  // What the provider said after it accepted a message: delivered, bounced, complained.
  await db.schema
    .alterTable('deliveries')
    .addColumn('event_at', 'timestamptz')
    .addColumn('event_detail', 'text')
    .addColumn('opened_at', 'timestamptz')
    .addColumn('clicked_at', 'timestamptz')
    .execute();
  // Webhooks find their delivery by the provider's message id.
  await sql`create index deliveries_provider_message on deliveries (provider_message_id) where provider_message_id is not null`.execute(
    db,
  );

  // One row per webhook event handled: a replay finds its row and changes nothing.
  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.alterTable('suppressions').addColumn('description', 'text').execute();
  // Who lifted a suppression, when and why (a suppression is never dropped silently).
  await db.schema
    .createTable('suppression_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Secrets the installation makes itself and every process shares (they live in its database).
  await db.schema
    .createTable('instance_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into instance_secrets (name, value)
    values ('unsubscribe', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_secrets').execute();
  await db.schema.dropTable('suppression_log').execute();
  await db.schema.alterTable('suppressions').dropColumn('description').execute();
  await db.schema.dropTable('webhook_events').execute();
  await sql`drop index deliveries_provider_message`.execute(db);
  await db.schema
    .alterTable('deliveries')
    .dropColumn('clicked_at')
    .dropColumn('opened_at')
    .dropColumn('event_detail')
    .dropColumn('event_at')
    .execute();
  await db.schema.dropTable('consent_events').execute();
  await db.schema.alterTable('customers').dropColumn('unsubscribed_at').execute();
  await db.schema.alterTable('merchants').dropColumn('brand_color').dropColumn('postal_address').execute();
}
