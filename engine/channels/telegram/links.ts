/**
 * Customers linking their card to the merchant's bot. The card page offers
 * `t.me/<bot>?start=<token>`: a one-time token (single use, expiring); the bot's
 * `/start <token>` records the chat on the customer, `/stop` removes it. A linked chat is
 * the customer's consent to Telegram messages; unlinking (or blocking the bot) is the opt-out.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database';

/** How long a link token lives. */
export const LINK_TOKEN_TTL_MS = 60 * 60 * 1000;
/** A token with less than this left is replaced, so a page never offers one about to expire. */
const REUSE_MIN_LEFT_MS = 15 * 60 * 1000;

/** The deep link that opens the bot with `/start <token>`. */
export const deepLink = (username: string, token: string) =>
  `https://t.me/${encodeURIComponent(username)}?start=${encodeURIComponent(token)}`;

/**
 * The customer's live link token: the one issued before while it has a while left, else a
 * new one (43 characters of `[A-Za-z0-9_-]`, within Telegram's 64 for a start parameter).
 */
export async function linkToken(db: Db, customerId: string, now = new Date()): Promise<string> {
  const fresh = randomBytes(32).toString('base64url');
  const expires = new Date(now.getTime() + LINK_TOKEN_TTL_MS);
  const reuseUntil = new Date(now.getTime() + REUSE_MIN_LEFT_MS);
  const { rows } = await sql<{ token: string }>`
    insert into telegram_link_tokens (token, customer_id, expires_at) values (${fresh}, ${customerId}, ${expires})
    on conflict (customer_id) do update set token = excluded.token, expires_at = excluded.expires_at
      where telegram_link_tokens.expires_at < ${reuseUntil}
    returning token`.execute(db);
  if (rows[0]) return rows[0].token;
  const kept = await db
    .selectFrom('telegram_link_tokens')
    .select('token')
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return kept.token;
}

/** Whether the customer's card is linked to a chat. */
export async function isLinked(db: Db, customerId: string): Promise<boolean> {
  const row = await db.selectFrom('telegram_links').select('customer_id').where('customer_id', '=', customerId).executeTakeFirst();
  return row !== undefined;
}

/**
 * Uses a link token (once): records `chatId` on its customer, if the token is live and the
 * customer is the merchant's. Answers the customer's name and card, or undefined.
 */
export async function redeemLinkToken(
  db: Db,
  merchantId: string,
  token: string,
  chatId: string,
): Promise<{ customerName: string; cardName: string } | undefined> {
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .deleteFrom('telegram_link_tokens')
      .where('token', '=', token)
      .where('expires_at', '>', new Date())
      .returning('customer_id')
      .executeTakeFirst();
    if (!used) return undefined;
    const customer = await trx
      .selectFrom('customers as c')
      .innerJoin('cards as k', 'k.id', 'c.card_id')
      .select(['c.name', 'k.name as card_name'])
      .where('c.id', '=', used.customer_id)
      .where('c.merchant_id', '=', merchantId)
      .executeTakeFirst();
    if (!customer) return undefined;
    await trx
      .insertInto('telegram_links')
      .values({ customer_id: used.customer_id, merchant_id: merchantId, chat_id: chatId })
      .onConflict((oc) => oc.column('customer_id').doUpdateSet({ chat_id: chatId, merchant_id: merchantId }))
      .execute();
    return { customerName: customer.name, cardName: customer.card_name };
  });
}

/** Unlinks every card of the merchant linked to `chatId`; returns how many. */
export async function unlinkChat(db: Db, merchantId: string, chatId: string): Promise<number> {
  const gone = await db
    .deleteFrom('telegram_links')
    .where('merchant_id', '=', merchantId)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
  return Number(gone.numDeletedRows);
}

/** What the card page offers about Telegram: nothing (no bot), the deep link, or that the card is linked. */
export type CardTelegram =
  | { readonly kind: 'link'; readonly url: string; readonly username: string }
  | { readonly kind: 'linked'; readonly username: string };

/** The card page's Telegram offer for a customer (issues a link token when not linked). */
export async function cardTelegram(db: Db, customerId: string): Promise<CardTelegram | undefined> {
  const row = await db
    .selectFrom('customers as c')
    .innerJoin('telegram_bots as b', 'b.merchant_id', 'c.merchant_id')
    .leftJoin('telegram_links as l', 'l.customer_id', 'c.id')
    .select(['b.bot_username', 'l.chat_id'])
    .where('c.id', '=', customerId)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.chat_id !== null) return { kind: 'linked', username: row.bot_username };
  return { kind: 'link', url: deepLink(row.bot_username, await linkToken(db, customerId)), username: row.bot_username };
}
