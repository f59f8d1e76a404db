/**
 * What keeps one merchant (or a stranger) from stalling the others: why a flow version's
 * runs are not starting (and when the batcher tries again), stored answers for
 * `Idempotency-Key` retries, push tokens per pass registration rather than per device, and
 * the client of each sign-in attempt. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A version whose runs Temporal refuses to start: the cohort batcher backs off it alone.
  await db.schema
    .createTable('flow_start_failures')
    .addColumn('flow_id', 'uuid', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('first_failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('retry_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('flow_start_failures_pk', ['flow_id', 'version'])
    .execute();

  // The first answer to a creating POST, per merchant and key, replayed on a retry.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    // `POST /v1/customers` and the sha256 of the body: the same key with anything else is refused.
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    // Null while the first request is still being answered.
    .addColumn('status', 'integer')
    .addColumn('body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['merchant_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();

  // A registration's push token is its own: registering one pass never changes another's.
  await db.schema.alterTable('apple_registrations').addColumn('push_token', 'text').execute();
  await sql`update apple_registrations r set push_token = d.push_token
    from apple_devices d where d.device_library_id = r.device_library_id`.execute(db);
  await sql`delete from apple_registrations where push_token is null`.execute(db);
  await sql`alter table apple_registrations alter column push_token set not null`.execute(db);
  // Cascade drops the registrations' foreign key to it; the rows stay.
  await db.schema.dropTable('apple_devices').cascade().execute();

  // Sign-in failures are counted per address and client together, and per client.
  await db.schema.alterTable('sign_in_attempts').addColumn('client', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.createIndex('sign_in_attempts_client_at').on('sign_in_attempts').columns(['client', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sign_in_attempts_client_at').execute();
  await db.schema.alterTable('sign_in_attempts').dropColumn('client').execute();
  await db.schema
    .createTable('apple_devices')
    .addColumn('device_library_id', 'text', (c) => c.primaryKey())
    .addColumn('push_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`insert into apple_devices (device_library_id, push_token)
    select distinct on (device_library_id) device_library_id, push_token from apple_registrations
    order by device_library_id, created_at desc`.execute(db);
  await sql`alter table apple_registrations add foreign key (device_library_id)
    references apple_devices (device_library_id) on delete cascade`.execute(db);
  await db.schema.alterTable('apple_registrations').dropColumn('push_token').execute();
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('flow_start_failures').execute();
}
