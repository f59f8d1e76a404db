/**
 * A local Telegram Bot API for tests: `POST|GET /bot<token>/<method>` for `getMe`,
 * `setWebhook`, `getWebhookInfo` and `sendMessage`, with Telegram's real answer bodies —
 * `{ok: true, result}` and `{ok: false, error_code, description, parameters?}` (401 for an
 * unknown token, 403 "bot was blocked by the user", 429 with `parameters.retry_after`).
 * It records every call with its time, can mark chats as blocked, answer 429s, hold
 * `sendMessage` answers (to kill a worker mid-call), and post real `Update` objects to the
 * webhook that `setWebhook` set, with its secret header. Driven by grammY, as the product is.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Update, User } from 'grammy/types';

export interface TelegramCall {
  readonly method: string;
  readonly token: string;
  readonly body: Record<string, unknown>;
  /** When the call arrived (ms since the epoch). */
  readonly at: number;
  /** The HTTP status answered (0 while held). */
  status: number;
}

export interface TelegramServerOptions {
  /** The one bot token the server knows (others answer 401). */
  readonly token: string;
  readonly username?: string;
  /** Added before every `sendMessage` answer. */
  readonly latencyMs?: number;
}

/** The webhook's answer (asserted field by field). */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted field by field
}

export interface TelegramServer {
  readonly url: string;
  readonly bot: User;
  readonly calls: TelegramCall[];
  /** `sendMessage` calls answered `ok: true`. */
  accepted(): TelegramCall[];
  /** Calls of one method. */
  callsOf(method: string): TelegramCall[];
  /** The webhook `setWebhook` set (undefined before). */
  webhook(): { url: string; secret: string | undefined } | undefined;
  /** The user of `chatId` blocked the bot: `sendMessage` to it answers 403. */
  block(chatId: number | string): void;
  /** The next `n` `sendMessage` calls answer 429 with `retry_after`. */
  tooManyRequests(n: number, retryAfterS: number): void;
  /** `sendMessage` answers after the first `n` accepted ones wait until {@link release}. */
  holdAfter(n: number): void;
  /** How many answers are held now. */
  held(): number;
  release(): void;
  /** Posts `/start <token>`, `/stop` or any text from the user of `chatId` to the webhook. */
  sendText(chatId: number, text: string, opts?: { secret?: string | null }): Promise<WebhookAnswer>;
  /** Posts any update to the webhook (the secret unless `secret` overrides it; null sends none). */
  postUpdate(update: Update, opts?: { secret?: string | null }): Promise<WebhookAnswer>;
  reset(): void;
  close(): Promise<void>;
}

export async function startTelegramServer(options: TelegramServerOptions): Promise<TelegramServer> {
  const botId = Number(options.token.split(':')[0]);
  const bot: User = { id: botId, is_bot: true, first_name: 'Café bot', username: options.username ?? 'cafe_test_bot' };
  const calls: TelegramCall[] = [];
  const blocked = new Set<string>();
  let hook: { url: string; secret: string | undefined } | undefined;
  let tooMany = { left: 0, retryAfterS: 1 };
  let holdFrom = Infinity;
  let passed = 0;
  let holding: (() => void)[] = [];
  let nextMessageId = 1;
  let nextUpdateId = 1;

  const fail = (code: number, description: string, parameters?: object) => ({
    status: code,
    json: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
  });
  const ok = (result: unknown) => ({ status: 200, json: { ok: true, result } });

  async function answer(method: string, body: Record<string, unknown>) {
    switch (method) {
      case 'getMe':
        return ok({ ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'setWebhook': {
        const url = typeof body.url === 'string' ? body.url : '';
        if (!/^https?:\/\//.test(url)) return fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        const secret = body.secret_token;
        if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret)))
          return fail(400, 'Bad Request: secret token contains unallowed characters');
        hook = { url, secret: secret as string | undefined };
        return { status: 200, json: { ok: true, result: true, description: 'Webhook was set' } };
      }
      case 'getWebhookInfo':
        return ok({ url: hook?.url ?? '', has_custom_certificate: false, pending_update_count: 0 });
      case 'sendMessage': {
        const chatId = String(body.chat_id ?? '');
        const text = typeof body.text === 'string' ? body.text : '';
        if (!chatId) return fail(400, 'Bad Request: chat_id is empty');
        if (text.trim() === '') return fail(400, 'Bad Request: message text is empty');
        if (text.length > 4096) return fail(400, 'Bad Request: message is too long');
        if (tooMany.left > 0) {
          tooMany.left--;
          return fail(429, `Too Many Requests: retry after ${tooMany.retryAfterS}`, { retry_after: tooMany.retryAfterS });
        }
        if (blocked.has(chatId)) return fail(403, 'Forbidden: bot was blocked by the user');
        // Counted as they pass, so exactly `holdFrom` go through however many are in flight.
        if (passed++ >= holdFrom) await new Promise<void>((resolve) => holding.push(resolve));
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const message: Message.TextMessage = {
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(chatId), type: 'private', first_name: 'Customer' },
          from: bot,
          text,
        };
        return ok(message);
      }
      default:
        return fail(404, 'Not Found');
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (!match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token = '', method = ''] = match;
      const body = await readBody(req);
      const call: TelegramCall = { method, token, body, at: Date.now(), status: 0 };
      calls.push(call);
      const answered = token !== options.token ? fail(401, 'Unauthorized') : await answer(method, body);
      call.status = answered.status;
      send(answered.status, answered.json);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const postUpdate = async (update: Update, opts: { secret?: string | null } = {}): Promise<WebhookAnswer> => {
    if (!hook) throw new Error('no webhook set: call setWebhook first');
    const secret = opts.secret === undefined ? hook.secret : opts.secret;
    const response = await fetch(hook.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(secret ? { 'X-Telegram-Bot-Api-Secret-Token': secret } : {}) },
      body: JSON.stringify(update),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };

  const release = () => {
    holdFrom = Infinity;
    const waiting = holding;
    holding = [];
    for (const go of waiting) go();
  };
  return {
    url,
    bot,
    calls,
    accepted: () => calls.filter((c) => c.method === 'sendMessage' && c.status === 200),
    callsOf: (method) => calls.filter((c) => c.method === method),
    webhook: () => hook,
    block: (chatId) => void blocked.add(String(chatId)),
    tooManyRequests: (n, retryAfterS) => void (tooMany = { left: n, retryAfterS }),
    holdAfter(n) {
      holdFrom = n;
      passed = 0;
    },
    held: () => holding.length,
    release,
    postUpdate,
    sendText(chatId, text, opts) {
      const command = /^\/\w+/.exec(text)?.[0];
      const update: Update = {
        update_id: nextUpdateId++,
        message: {
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: 'Customer' },
          from: { id: chatId, is_bot: false, first_name: 'Customer' },
          text,
          ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command.length }] } : {}),
        },
      };
      return postUpdate(update, opts);
    },
    reset() {
      calls.length = 0;
      blocked.clear();
      tooMany = { left: 0, retryAfterS: 1 };
      release();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Bot API body: JSON or form-encoded, as clients send it. */
async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}
