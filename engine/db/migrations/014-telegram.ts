/**
 * The Telegram channel: each merchant's bot (token, @username, webhook secret), the chats
 * customers linked to it, and the one-time tokens of the card page's "Get messages on
 * Telegram" link. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('telegram_bots')
    .addColumn('merchant_id', 'uuid', (c) => c.primaryKey().references('merchants.id').onDelete('cascade'))
    // The token is a credential: never answered by the API (it shows the @username).
    .addColumn('bot_token', 'text', (c) => c.notNull())
    .addColumn('bot_id', 'bigint', (c) => c.notNull())
    .addColumn('bot_username', 'text', (c) => c.notNull())
    // Telegram sends it back as X-Telegram-Bot-Api-Secret-Token on every webhook call.
    .addColumn('webhook_secret', 'text', (c) => c.notNull())
    .addColumn('connected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A customer's card linked to a chat: the consent for Telegram messages; unlinking is the opt-out.
  await db.schema
    .createTable('telegram_links')
    .addColumn('customer_id', 'uuid', (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('chat_id', 'bigint', (c) => c.notNull())
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // When a provider that cannot be asked what it has (Telegram) was called for the row: a
  // retry finding it set and the row unrecorded does not call again (at most once).
  await db.schema.alterTable('deliveries').addColumn('called_at', 'timestamptz').execute();
  await db.schema.createIndex('telegram_links_chat').on('telegram_links').columns(['merchant_id', 'chat_id']).execute();
  // One live token per customer; `/start <token>` deletes it (single use), and it expires.
  await db.schema
    .createTable('telegram_link_tokens')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().unique().references('customers.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('telegram_link_tokens').execute();
  await db.schema.dropTable('telegram_links').execute();
  await db.schema.dropTable('telegram_bots').execute();
  await db.schema.alterTable('deliveries').dropColumn('called_at').execute();
}
