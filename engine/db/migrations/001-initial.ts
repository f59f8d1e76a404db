/**
 * The first schema. Migrations take `Kysely<any>` and import no app code, so they
 * keep working however the app's types evolve.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);

  await db.schema
    .createTable('merchants')
    .addColumn('id', 'uuid', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('email_from', 'text')
    .addColumn('api_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', now)
    .execute();

  await db.schema
    .createTable('staff')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('owner'))
    .addColumn('created_at', 'timestamptz', now)
    .execute();

  await db.schema
    .createTable('cards')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('stamps_required', 'integer', (c) => c.notNull())
    .addColumn('reward', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('cards_merchant').on('cards').column('merchant_id').execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('card_id', 'uuid', (c) => c.notNull().references('cards.id'))
    .addColumn('external_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('birthday_month', 'smallint')
    .addColumn('birthday_day', 'smallint')
    .addColumn('birthday_year', 'smallint')
    .addColumn('email_consent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('stamps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('joined_at', 'timestamptz', now)
    .addColumn('last_visit_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .addUniqueConstraint('customers_merchant_external', ['merchant_id', 'external_id'])
    .execute();
  await db.schema.createIndex('customers_merchant_card').on('customers').columns(['merchant_id', 'card_id']).execute();
  // Audience pages walk one merchant's customers in id order (keyset paging, snapshots).
  await db.schema.createIndex('customers_merchant_id').on('customers').columns(['merchant_id', 'id']).execute();
  await db.schema
    .createIndex('customers_merchant_last_visit')
    .on('customers')
    .columns(['merchant_id', 'last_visit_at'])
    .execute();
  await db.schema
    .createIndex('customers_merchant_birthday')
    .on('customers')
    .columns(['merchant_id', 'birthday_month', 'birthday_day'])
    .execute();

  await db.schema
    .createTable('passes')
    .addColumn('customer_id', 'uuid', (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
    .addColumn('serial_number', 'text', (c) => c.notNull().unique())
    .addColumn('authentication_token', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('voucher_code', 'text')
    .addColumn('update_tag', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', now)
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('events_customer').on('events').columns(['customer_id', 'at']).execute();

  await db.schema
    .createTable('flows')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('graph', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('flows_merchant').on('flows').column('merchant_id').execute();

  await db.schema
    .createTable('flow_versions')
    .addColumn('flow_id', 'uuid', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('graph', 'jsonb', (c) => c.notNull())
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('flow_versions_pk', ['flow_id', 'version'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('flow_id', 'uuid', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('send_at', 'timestamptz')
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('runs_merchant_flow')
    .on('runs')
    .columns(['merchant_id', 'flow_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('run_step_members')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('run_step_members_pk', ['run_id', 'node_id', 'seq'])
    .execute();

  // How many members entered each step, one row per processed page (not per member).
  await db.schema
    .createTable('run_step_pages')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('from_seq', 'integer', (c) => c.notNull())
    .addColumn('entered', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_step_pages_pk', ['run_id', 'node_id', 'group_key', 'from_seq'])
    .execute();

  // One row per message: unique (run, node, customer, channel). Activities find a page's
  // rows by seq range through the primary key (run, node, channel, seq) — the same rows,
  // since a customer has one seq per run — so a lookup reads 500 index entries whatever
  // the table's statistics say. Pages keep free space so the status update that follows
  // every claim can stay on the page (a HOT update, no index writes).
  await db.schema
    .createTable('deliveries')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claim_key', 'text')
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('deliveries_pk', ['run_id', 'node_id', 'channel', 'seq'])
    .addUniqueConstraint('deliveries_one_per_message', ['run_id', 'customer_id', 'node_id', 'channel'])
    .modifyEnd(sql`with (fillfactor = 80)`)
    .execute();
  await db.schema.createIndex('deliveries_run_seq').on('deliveries').columns(['run_id', 'seq']).execute();

  await db.schema
    .createTable('vouchers')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('run_id', 'uuid', (c) => c.references('runs.id').onDelete('set null'))
    .addColumn('node_id', 'text')
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('redeemed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', now)
    .addUniqueConstraint('vouchers_one_per_step', ['run_id', 'node_id', 'customer_id'])
    .execute();
  // Messages look up "the newest voucher of this run for this customer".
  await db.schema
    .createIndex('vouchers_run_customer')
    .on('vouchers')
    .columns(['run_id', 'customer_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('suppressions_pk', ['merchant_id', 'email'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('outbox_merchant_created').on('outbox').columns(['merchant_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'outbox',
    'suppressions',
    'vouchers',
    'deliveries',
    'run_step_pages',
    'run_step_members',
    'runs',
    'flow_versions',
    'flows',
    'events',
    'passes',
    'customers',
    'cards',
    'staff',
    'merchants',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
