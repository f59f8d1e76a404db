/**
 * Accounts: staff sessions (the editor's cookie), named API keys (several per merchant,
 * revocable), staff invites and failed sign-ins (rate limiting shared by every process).
 * Existing `merchants.api_key_hash` keys move to `api_keys` as "Default key"; the column
 * becomes nullable and is no longer read. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);

  // Emails are compared case-insensitively by storing them lower-cased.
  await sql`update staff set email = lower(email) where email <> lower(email)`.execute(db);

  // id: sha256 hex of the cookie's token, so the table alone cannot sign anyone in.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'uuid', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('sessions_staff').on('sessions').column('staff_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_merchant').on('api_keys').columns(['merchant_id', 'created_at']).execute();
  // The plaintext of existing keys is unknown, so their prefix is only the common one.
  await sql`
    insert into api_keys (merchant_id, name, key_hash, prefix, created_at)
    select id, 'Default key', api_key_hash, 'sf_live_…', created_at from merchants where api_key_hash is not null
  `.execute(db);
  await db.schema
    .alterTable('merchants')
    .alterColumn('api_key_hash', (c) => c.dropNotNull())
    .execute();

  await db.schema
    .createTable('staff_invites')
    .addColumn('id', 'uuid', id)
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'uuid', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('staff_invites_merchant').on('staff_invites').columns(['merchant_id', 'email']).execute();

  // One row per failed (or in-flight) sign-in, by lower-cased email; rows older than the
  // window are deleted as new failures arrive.
  await db.schema
    .createTable('sign_in_attempts')
    .addColumn('id', 'uuid', id)
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', now)
    .execute();
  await db.schema.createIndex('sign_in_attempts_email_at').on('sign_in_attempts').columns(['email', 'at']).execute();
  await db.schema.createIndex('sign_in_attempts_at').on('sign_in_attempts').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_attempts').execute();
  await db.schema.dropTable('staff_invites').execute();
  // Each merchant gets back its oldest working key; one without any gets an unusable hash.
  await sql`
    update merchants m set api_key_hash = coalesce(
      (select k.key_hash from api_keys k where k.merchant_id = m.id and k.revoked_at is null order by k.created_at limit 1),
      'revoked:' || gen_random_uuid()::text)
    where m.api_key_hash is null
  `.execute(db);
  await db.schema
    .alterTable('merchants')
    .alterColumn('api_key_hash', (c) => c.setNotNull())
    .execute();
  await db.schema.dropTable('api_keys').execute();
  await db.schema.dropTable('sessions').execute();
}
