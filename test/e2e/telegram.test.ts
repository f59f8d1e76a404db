/**
 * Telegram in Chromium: the owner connects a bot in Settings (a wrong token is refused in
 * plain words, checked at the Bot API stand-in), and a customer's card page at phone size
 * offers "Get messages on Telegram" with the bot's one-time deep link, without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificates, testSigner } from '../support/certs';
import { startTelegramServer, type TelegramServer } from '../telegram-server';
import { BOT_TOKEN } from '../telegram/kit';
import { browserForFile, screenshot, signIn } from './browser';
import { ok, type Customer, type Page as ListPage } from './http';

let telegram: TelegramServer;
beforeAll(async () => {
  telegram = await startTelegramServer({ token: BOT_TOKEN, username: 'cafe_lumen_bot' });
});
afterAll(async () => {
  await telegram?.close();
});
const signer = testSigner(testCertificates());
const file = browserForFile(() => ({
  wallet: { publicUrl: 'https://cards.stampflow.test', signer },
  telegramApiUrl: telegram.url,
}));

describe('Telegram', () => {
  it('connects the bot from Settings, then the card page offers the deep link', async () => {
    const m = await file.merchant('Café Lumen');
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, m.owner);
    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Telegram' });
    await section.getByLabel('Bot token').fill('7001234567:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await section.getByRole('button', { name: 'Connect bot' }).click();
    await expect.poll(() => section.textContent()).toContain('Telegram did not accept this bot token');
    expect(telegram.callsOf('getMe').map((c) => c.status)).toEqual([401]);

    await section.getByLabel('Bot token').fill(BOT_TOKEN);
    await section.getByRole('button', { name: 'Connect bot' }).click();
    await section.getByRole('status').filter({ hasText: 'Connected to @cafe_lumen_bot' }).waitFor();
    expect(await section.textContent()).not.toContain(BOT_TOKEN.split(':')[1]);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-telegram');

    ok(await m.api.post('/v1/customers', { name: 'Ada', cardId: m.cardId, stamps: 4 }), 201);
    const c = ok(await m.api.get<ListPage<Customer>>('/v1/customers'), 200).items[0]!;
    const context = await file.browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const phone = await context.newPage();
    await phone.goto(`${file.url}${new URL(c.walletUrl!).pathname}`);
    const link = phone.getByRole('link', { name: 'Get messages on Telegram' });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/t\.me\/cafe_lumen_bot\?start=[A-Za-z0-9_-]{43}$/);
    await link.scrollIntoViewIfNeeded();
    await screenshot(phone, 'card-page-telegram');
    await context.close();
  });
});
