/**
 * Journeys: flow status, merchant messaging rules, idempotent events, journey entries
 * (who entered which flow, once per key), exits, waits and the lanes that visitors of a
 * wait-for-visit take. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);

  // draft | active | paused | archived. Flows published before this migration are active.
  await db.schema
    .alterTable('flows')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .execute();
  await sql`update flows set status = 'active' where exists (select 1 from flow_versions v where v.flow_id = flows.id)`.execute(
    db,
  );

  // How a run started: 'api' (by hand), 'schedule' (a Temporal Schedule) or 'event' (a cohort of events).
  await db.schema
    .alterTable('runs')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('api'))
    .execute();

  await db.schema
    .createTable('merchant_settings')
    .addColumn('merchant_id', 'uuid', (c) => c.primaryKey().references('merchants.id').onDelete('cascade'))
    .addColumn('push_cap_7d', 'integer')
    .addColumn('email_cap_7d', 'integer')
    .addColumn('quiet_start', 'text')
    .addColumn('quiet_end', 'text')
    .addColumn('updated_at', 'timestamptz', now)
    .execute();

  // The id a client gives an event: the same id twice is one event.
  await db.schema.alterTable('events').addColumn('client_id', 'text').execute();
  await sql`create unique index events_merchant_client_id on events (merchant_id, client_id) where client_id is not null`.execute(
    db,
  );
  // (The exit rule "reward_redeemed" finds a customer's redemptions through events (customer_id, at).)

  // One row per customer per flow per entry key (a birthday year, a lapse, an event): the
  // key makes entering twice impossible, across versions, retries and catch-ups. Event
  // entries wait with run_id null until a cohort run takes them.
  await db.schema
    .createTable('flow_entries')
    .addColumn('flow_id', 'uuid', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('entry_key', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('run_id', 'uuid', (c) => c.references('runs.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('flow_entries_pk', ['flow_id', 'customer_id', 'entry_key'])
    .execute();
  await db.schema.createIndex('flow_entries_run').on('flow_entries').column('run_id').execute();
  await sql`create index flow_entries_pending on flow_entries (created_at) where run_id is null`.execute(db);

  // A member who met an exit rule: left at `node_id`, never processed after it.
  await db.schema
    .createTable('run_exits')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', now)
    .addPrimaryKeyConstraint('run_exits_pk', ['run_id', 'customer_id'])
    .execute();

  // A group of members waiting at a wait step, and until when (the run report shows it).
  await db.schema
    .createTable('run_waits')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'uuid', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('until', 'timestamptz', (c) => c.notNull())
    .addColumn('members', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('run_waits_pk', ['run_id', 'node_id', 'group_key'])
    .execute();
  await sql`create index run_waits_open_visits on run_waits (merchant_id) where finished_at is null and mode = 'untilVisit'`.execute(
    db,
  );

  // Visitors of a wait-for-visit go on in batches ("lanes"); steps after it read their lane.
  await db.schema
    .alterTable('run_step_members')
    .addColumn('lane', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // Every run a customer was in (the customer's journeys).
  await db.schema.createIndex('run_step_members_customer').on('run_step_members').column('customer_id').execute();

  // The frequency cap counts a customer's recent messages per channel.
  await db.schema
    .createIndex('deliveries_customer_created')
    .on('deliveries')
    .columns(['customer_id', 'created_at'])
    .execute();
  // The daily "voucher expiring" check.
  await sql`create index vouchers_unredeemed_expiry on vouchers (merchant_id, expires_at) where redeemed_at is null`.execute(
    db,
  );
  // A customer's next unredeemed voucher, for {{voucher.code}} in a reminder.
  await sql`create index vouchers_customer_unredeemed on vouchers (customer_id, expires_at) where redeemed_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('vouchers_customer_unredeemed').execute();
  await db.schema.dropIndex('vouchers_unredeemed_expiry').execute();
  await db.schema.dropIndex('deliveries_customer_created').execute();
  await db.schema.dropIndex('run_step_members_customer').execute();
  await db.schema.alterTable('run_step_members').dropColumn('lane').execute();
  await db.schema.dropTable('run_waits').execute();
  await db.schema.dropTable('run_exits').execute();
  await db.schema.dropTable('flow_entries').execute();
  await db.schema.dropIndex('events_merchant_client_id').execute();
  await db.schema.alterTable('events').dropColumn('client_id').execute();
  await db.schema.dropTable('merchant_settings').execute();
  await db.schema.alterTable('runs').dropColumn('source').execute();
  await db.schema.alterTable('flows').dropColumn('status').execute();
}
