/**
 * A merchant's Telegram bot: connecting it (the token checked with `getMe`, the webhook set
 * with a random `secret_token`), reading it for sending, and disconnecting it. The token is
 * a credential: it is stored, used by the worker and the webhook, and never answered.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { GrammyError } from 'grammy';
import type { Db } from '../../db/database';
import { classify, telegramApi } from './bot-api';

export interface ConnectedBot {
  readonly botId: string;
  readonly username: string;
  readonly token: string;
  readonly webhookSecret: string;
}

export type ConnectResult =
  | { readonly ok: true; readonly username: string; readonly webhookUrl: string }
  | { readonly ok: false; readonly code: 'bad_request' | 'unavailable'; readonly message: string };

/** The path Telegram posts a merchant's updates to (under the public URL). */
export const webhookPath = (merchantId: string) => `/v1/telegram/webhook/${merchantId}`;

/** A BotFather token: `<bot id>:<35 or so letters, digits, _ and ->`. */
const TOKEN_SHAPE = /^\d{3,20}:[A-Za-z0-9_-]{30,100}$/;

/**
 * Checks `token` with Telegram, sets the bot's webhook to this merchant's URL and stores it
 * (replacing an earlier bot). Nothing is stored unless Telegram accepted both calls.
 */
export async function connectBot(
  db: Db,
  merchantId: string,
  token: string,
  { apiUrl, publicUrl }: { readonly apiUrl: string; readonly publicUrl: string },
): Promise<ConnectResult> {
  if (!TOKEN_SHAPE.test(token))
    return {
      ok: false,
      code: 'bad_request',
      message: 'That does not look like a bot token: BotFather gives one like 123456789:AAE… (digits, a colon, then letters)',
    };
  const api = telegramApi(token, apiUrl);
  let me;
  try {
    me = await api.getMe();
  } catch (err) {
    if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404))
      return {
        ok: false,
        code: 'bad_request',
        message: `Telegram did not accept this bot token (${err.error_code} ${err.description}): copy it again from @BotFather`,
      };
    return { ok: false, code: 'unavailable', message: `Telegram could not be reached to check the token: ${describe(classify(err))}` };
  }
  const secret = randomBytes(32).toString('hex');
  const webhookUrl = `${publicUrl}${webhookPath(merchantId)}`;
  try {
    await api.setWebhook(webhookUrl, { secret_token: secret, allowed_updates: ['message', 'my_chat_member'] });
  } catch (err) {
    const answer = classify(err);
    return answer.kind === 'unavailable'
      ? { ok: false, code: 'unavailable', message: `Telegram could not be reached to set the webhook: ${answer.description}` }
      : { ok: false, code: 'bad_request', message: `Telegram refused the webhook ${webhookUrl}: ${describe(answer)}` };
  }
  const row = { bot_token: token, bot_id: String(me.id), bot_username: me.username, webhook_secret: secret };
  await db
    .insertInto('telegram_bots')
    .values({ merchant_id: merchantId, ...row })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...row, connected_at: new Date() } as never))
    .execute();
  return { ok: true, username: me.username, webhookUrl };
}

function describe(answer: ReturnType<typeof classify>): string {
  return answer.kind === 'slow_down' ? `too many requests, retry after ${answer.retryAfterS} s` : answer.description;
}

/** The merchant's bot, token included (for sending and the webhook); undefined when none is connected. */
export async function loadBot(db: Db, merchantId: string): Promise<ConnectedBot | undefined> {
  const row = await db
    .selectFrom('telegram_bots')
    .select(['bot_id', 'bot_username', 'bot_token', 'webhook_secret'])
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  return row && { botId: String(row.bot_id), username: row.bot_username, token: row.bot_token, webhookSecret: row.webhook_secret };
}

/** What the API may show about the bot: no token, no secret. */
export async function botSummary(
  db: Db,
  merchantId: string,
): Promise<{ connected: boolean; username: string | null; linkedCustomers: number; connectedAt: Date | null }> {
  const [bot, links] = await Promise.all([
    db.selectFrom('telegram_bots').select(['bot_username', 'connected_at']).where('merchant_id', '=', merchantId).executeTakeFirst(),
    db
      .selectFrom('telegram_links')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirstOrThrow(),
  ]);
  return { connected: !!bot, username: bot?.bot_username ?? null, linkedCustomers: Number(links.n), connectedAt: bot?.connected_at ?? null };
}

/** Forgets the bot (its links stay, for a bot connected again). */
export async function disconnectBot(db: Db, merchantId: string): Promise<boolean> {
  const gone = await db.deleteFrom('telegram_bots').where('merchant_id', '=', merchantId).executeTakeFirst();
  return gone.numDeletedRows > 0n;
}

/** True when `given` is the bot's secret (constant time). */
export function secretMatches(bot: ConnectedBot, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(bot.webhookSecret);
  return a.length === b.length && timingSafeEqual(a, b);
}
