/**
 * Telegram: the merchant connects their bot (`GET|PUT|DELETE /v1/merchant/telegram`), and
 * Telegram posts the bot's updates to `POST /v1/telegram/webhook/:merchantId` with the
 * secret set by `setWebhook` in `X-Telegram-Bot-Api-Secret-Token` (a call without it is a
 * 401). The bot token is never answered; `username` is the bot's @username.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Update } from 'grammy/types';
import { DEFAULT_TELEGRAM_API_URL, telegramApi } from '../../engine/channels/telegram/bot-api';
import { botSummary, connectBot, disconnectBot, loadBot, secretMatches } from '../../engine/channels/telegram/bots';
import { handleUpdate } from '../../engine/channels/telegram/updates';
import { createRateLimit } from '../../engine/limits/rate-limit';
import { log } from '../../engine/log';
import { DEFAULT_PUBLIC_URL } from '../../engine/wallet/wallet';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { BaseEnv, MerchantEnv } from './env';
import { ApiError } from './errors';
import { isUuid, jsonBody } from './validate';
import { iso } from './iso';

const connectBody = z.strictObject({
  token: z.string({ error: 'must be the bot token from @BotFather' }).trim().min(1, 'is empty: paste the token from @BotFather'),
});

/** Updates per bot per window: far above a café's chat traffic, far below a flood. */
export const TELEGRAM_UPDATES_PER_WINDOW = 600;
const WINDOW_MS = 60_000;

async function summaryJson(deps: AppDeps, merchantId: string) {
  const s = await botSummary(deps.db, merchantId);
  return {
    connected: s.connected,
    username: s.username,
    linkedCustomers: s.linkedCustomers,
    connectedAt: s.connectedAt ? iso(s.connectedAt) : null,
  };
}

/** Mounted at `/v1/merchant` (the key's merchant): `/telegram`. */
export function merchantTelegramRoutes(deps: AppDeps) {
  const apiUrl = deps.telegramApiUrl ?? DEFAULT_TELEGRAM_API_URL;
  const publicUrl = deps.wallet?.publicUrl ?? DEFAULT_PUBLIC_URL;
  return new Hono<MerchantEnv>()
    .use('/telegram', merchantAuth(deps.db))
    .get('/telegram', async (c) => c.json(await summaryJson(deps, c.get('merchantId'))))
    .put('/telegram', jsonBody(connectBody), async (c) => {
      const merchantId = c.get('merchantId');
      const made = await connectBot(deps.db, merchantId, c.req.valid('json').token, { apiUrl, publicUrl });
      if (!made.ok) throw new ApiError(made.code, made.message, { field: 'token' });
      log.info('telegram bot connected', { merchantId, username: made.username });
      return c.json(await summaryJson(deps, merchantId));
    })
    .delete('/telegram', async (c) => {
      await disconnectBot(deps.db, c.get('merchantId'));
      return c.json(await summaryJson(deps, c.get('merchantId')));
    });
}

/** Mounted at `/v1/telegram`: Telegram's webhook calls. */
export function telegramWebhookRoutes(deps: AppDeps) {
  const apiUrl = deps.telegramApiUrl ?? DEFAULT_TELEGRAM_API_URL;
  const limit = createRateLimit({ calls: TELEGRAM_UPDATES_PER_WINDOW, windowMs: WINDOW_MS });
  return new Hono<BaseEnv>().post('/webhook/:merchantId', async (c) => {
    const merchantId = c.req.param('merchantId');
    const retryAfter = limit.hit(merchantId);
    if (retryAfter > 0)
      throw new ApiError('rate_limited', 'Too many updates for this bot; try again later', { retryAfter }, {
        'Retry-After': String(retryAfter),
      });
    const bot = isUuid(merchantId) ? await loadBot(deps.db, merchantId) : undefined;
    if (!bot) throw new ApiError('not_found', 'No Telegram bot is connected here');
    if (!secretMatches(bot, c.req.header('X-Telegram-Bot-Api-Secret-Token')))
      throw new ApiError('unauthorized', 'The webhook secret token is missing or wrong');
    const update = (await c.req.json().catch(() => null)) as Update | null;
    if (!update || typeof update !== 'object' || typeof update.update_id !== 'number')
      throw new ApiError('bad_request', 'The body is not a Telegram Update (an object with a numeric update_id)');
    const merchant = await deps.db.selectFrom('merchants').select('name').where('id', '=', merchantId).executeTakeFirstOrThrow();
    const result = await handleUpdate(deps.db, telegramApi(bot.token, apiUrl), { merchantId, name: merchant.name }, update);
    log.info('telegram update', { merchantId, updateId: update.update_id, result });
    return c.json({ ok: true as const, result });
  });
}
