/**
 * The Telegram tests' stack: the API served over HTTP (the stand-in posts updates to its
 * webhook), its database and launcher, and the local Bot API stand-in the API and the
 * worker call through grammY (`TELEGRAM_API_URL`).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { hc } from 'hono/client';
import { createApp, type AppType } from '../../server/api/app';
import { getFreePort } from '../../server/temporal/dev-server';
import { read } from '../api/harness';
import { testSigner } from '../support/certs';
import { WITHOUT_RULES } from '../support/messaging-rules';
import type { Stack } from '../support/stack';
import { startTelegramServer, type TelegramServer } from '../telegram-server';

export const ADMIN_TOKEN = 'telegram-test-admin-token-0123';
/** A BotFather-shaped token the stand-in knows. */
export const BOT_TOKEN = '7001234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';

/** The API's typed client over HTTP (`hono/client`), as the editor has it. */
export type HttpClient = ReturnType<typeof hc<AppType>>;

export interface Served {
  readonly url: string;
  /** The typed client over the network, with the key (or admin token) given. */
  client(token?: string): HttpClient;
  close(): Promise<void>;
}

/** Serves the API of `stack` on a free port, with Telegram through `telegram`. */
export async function serveApi(stack: Pick<Stack, 'db' | 'launcher'>, telegram: TelegramServer): Promise<Served> {
  const port = await getFreePort();
  const url = `http://127.0.0.1:${port}`;
  const app = createApp({
    db: stack.db,
    launcher: stack.launcher,
    adminToken: ADMIN_TOKEN,
    readiness: async () => true,
    wallet: { publicUrl: url, signer: testSigner() },
    telegramApiUrl: telegram.url,
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  void (server.address() as AddressInfo | null);
  return {
    url,
    client: (token) => hc<AppType>(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A merchant through the API (without messaging rules), with one card; answers its key. */
export async function apiMerchant(api: Served, name = 'Corner Café'): Promise<{ id: string; apiKey: string; cardId: string }> {
  const made = await read(api.client(ADMIN_TOKEN).v1.merchants.$post({ json: { name, timezone: 'Europe/Berlin', messagingRules: WITHOUT_RULES } }));
  if (made.status !== 201) throw new Error(`merchant: ${JSON.stringify(made.body)}`);
  const { id, apiKey } = made.body;
  const card = await read(api.client(apiKey).v1.cards.$post({ json: { name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' } }));
  if (card.status !== 201) throw new Error(`card: ${JSON.stringify(card.body)}`);
  return { id, apiKey, cardId: card.body.id };
}

export { startTelegramServer };
