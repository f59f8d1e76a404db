/**
 * The wallet channel: card colours, the customer-facing wallet link, Apple devices and
 * their registrations (the PassKit web service), Google Wallet objects and their
 * notification budget, and per-device outcomes on push deliveries. Takes `Kysely<any>`
 * and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cards')
    .addColumn('background_color', 'text', (c) => c.notNull().defaultTo('#3b2a20'))
    .addColumn('foreground_color', 'text', (c) => c.notNull().defaultTo('#ffffff'))
    .addColumn('label_color', 'text', (c) => c.notNull().defaultTo('#f3c98b'))
    // `issuerId.card-<id>` once the card's Google Wallet loyalty class exists.
    .addColumn('google_class_id', 'text')
    .execute();

  await db.schema
    .alterTable('passes')
    // The customer's wallet page is /p/<wallet_token>: 64 hex characters from two
    // gen_random_uuid() (pg_strong_random), unguessable, never derived from an id.
    .addColumn('wallet_token', 'text', (c) =>
      c
        .notNull()
        .unique()
        .defaultTo(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
    )
    // `runId/nodeId` of the push that last set the message: a retried page must not
    // change the message again (a second change would show the text twice).
    .addColumn('last_push', 'text')
    .addColumn('google_object_id', 'text')
    .execute();

  // One row per Apple device (its push token may change); registrations tie devices to passes.
  await db.schema
    .createTable('apple_devices')
    .addColumn('device_library_id', 'text', (c) => c.primaryKey())
    .addColumn('push_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('apple_registrations')
    .addColumn('serial_number', 'text', (c) => c.notNull().references('passes.serial_number').onDelete('cascade'))
    .addColumn('device_library_id', 'text', (c) =>
      c.notNull().references('apple_devices.device_library_id').onDelete('cascade'),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('apple_registrations_pk', ['serial_number', 'device_library_id'])
    .execute();
  await db.schema
    .createIndex('apple_registrations_device')
    .on('apple_registrations')
    .column('device_library_id')
    .execute();

  // Google allows 3 notifying messages per pass per rolling 24 h: one row per notification sent.
  await db.schema
    .createTable('google_notifications')
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('passes.customer_id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('google_notifications_pk', ['customer_id', 'message_id'])
    .execute();
  await db.schema
    .createIndex('google_notifications_customer_at')
    .on('google_notifications')
    .columns(['customer_id', 'at'])
    .execute();

  // Push deliveries: one entry per device `{platform, device, status, answer, attempts}`.
  await db.schema.alterTable('deliveries').addColumn('devices', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('devices').execute();
  await db.schema.dropTable('google_notifications').execute();
  await db.schema.dropTable('apple_registrations').execute();
  await db.schema.dropTable('apple_devices').execute();
  await db.schema
    .alterTable('passes')
    .dropColumn('google_object_id')
    .dropColumn('last_push')
    .dropColumn('wallet_token')
    .execute();
  await db.schema
    .alterTable('cards')
    .dropColumn('google_class_id')
    .dropColumn('label_color')
    .dropColumn('foreground_color')
    .dropColumn('background_color')
    .execute();
}
