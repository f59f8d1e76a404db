/**
 * The Telegram channel against the local Bot API stand-in, driven by grammY as in
 * production: connecting a bot (getMe, setWebhook with a secret), the webhook's secret check,
 * linking a card with the card page's one-time `/start` token and unlinking with `/stop`,
 * and a run's Telegram step: only linked customers, a blocked chat unlinked and never
 * retried, a 429 obeyed after its `retry_after`, every outcome explained on the timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun, waitForRun } from '../support/runs';
import { seedCustomers } from '../support/seed';
import { DEFAULT_CHANNELS, startStack, type Stack } from '../support/stack';
import type { TelegramServer } from '../telegram-server';
import { read, readError } from '../api/harness';
import { apiMerchant, BOT_TOKEN, serveApi, startTelegramServer, type Served } from './kit';

let telegram: TelegramServer;
let stack: Stack;
let api: Served;
let m: { id: string; apiKey: string; cardId: string };

beforeAll(async () => {
  telegram = await startTelegramServer({ token: BOT_TOKEN });
  stack = await startStack({ ...DEFAULT_CHANNELS, telegramApiUrl: telegram.url });
  api = await serveApi(stack, telegram);
  m = await apiMerchant(api);
});
afterAll(async () => {
  await api?.close();
  await stack?.stop();
  await telegram?.close();
});

const client = () => api.client(m.apiKey);
const connect = (token: string) => client().v1.merchant.telegram.$put({ json: { token } });
const connection = () => read(client().v1.merchant.telegram.$get());

/** A broadcast to the card's holders with one Telegram step. */
const telegramFlow = (cardId: string, text: string) => ({
  nodes: [
    { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast', cardId } },
    { id: 'tg', type: 'telegram', position: { x: 280, y: 0 }, data: { text } },
  ],
  edges: [{ id: 'e1', source: 'trigger', target: 'tg', sourceHandle: null }],
});

async function customers(): Promise<{ id: string; name: string; token: string }[]> {
  const rows = await stack.db
    .selectFrom('customers as c')
    .innerJoin('passes as p', 'p.customer_id', 'c.id')
    .select(['c.id', 'c.name', 'p.wallet_token'])
    .where('c.merchant_id', '=', m.id)
    .orderBy('c.name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, token: r.wallet_token }));
}

describe('connecting the bot', () => {
  it('refuses a token Telegram does not know with a 400 that says so (getMe answered 401)', async () => {
    const before = telegram.callsOf('getMe').length;
    const bad = await readError(connect('7001234567:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    expect(bad.body.error.message).toMatch(/did not accept this bot token \(401 Unauthorized\)/);
    // The fault hit the stand-in: one getMe, answered 401, and no webhook was set.
    expect(
      telegram
        .callsOf('getMe')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([401]);
    expect(telegram.webhook()).toBeUndefined();

    const misshapen = await readError(connect('hello'));
    expect(misshapen.status).toBe(400);
    expect(misshapen.body.error.message).toMatch(/does not look like a bot token/);
    expect(telegram.callsOf('getMe').length).toBe(before + 1);
    expect((await connection()).body).toMatchObject({ connected: false, username: null });
  });

  it('checks the token with getMe, sets the webhook with a secret, and never answers the token', async () => {
    const put = await read(connect(BOT_TOKEN));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ connected: true, username: 'cafe_test_bot', linkedCustomers: 0 });
    const hook = telegram.webhook();
    expect(hook?.url).toBe(`${api.url}/v1/telegram/webhook/${m.id}`);
    expect(hook?.secret).toMatch(/^[0-9a-f]{64}$/);
    const get = await connection();
    expect(get.body.username).toBe('cafe_test_bot');
    const shown = JSON.stringify([put.body, get.body, (await read(client().v1.merchant.settings.$get())).body]);
    expect(shown).not.toContain(BOT_TOKEN.split(':')[1]);
    expect(shown).not.toContain(hook?.secret);
  });

  it('rejects webhook calls without the right secret token, and does nothing for them', async () => {
    const replies = telegram.callsOf('sendMessage').length;
    expect((await telegram.sendText(42, '/stop', { secret: 'wrong-secret' })).status).toBe(401);
    expect((await telegram.sendText(42, '/stop', { secret: null })).status).toBe(401);
    const other = await fetch(`${api.url}/v1/telegram/webhook/00000000-0000-0000-0000-000000000000`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Telegram-Bot-Api-Secret-Token': telegram.webhook()?.secret ?? '',
      },
      body: JSON.stringify({ update_id: 1 }),
    });
    expect(other.status).toBe(404);
    expect(telegram.callsOf('sendMessage').length).toBe(replies);
    // With the secret, the same update is handled (and answered by the bot).
    expect((await telegram.sendText(42, '/stop')).status).toBe(200);
    expect(telegram.callsOf('sendMessage').length).toBe(replies + 1);
  });

  it('refuses a body over the webhook limit with 413', async () => {
    const big = await fetch(`${api.url}/v1/telegram/webhook/${m.id}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Telegram-Bot-Api-Secret-Token': telegram.webhook()?.secret ?? '',
      },
      body: JSON.stringify({ update_id: 2, pad: 'x'.repeat(70 * 1024) }),
    });
    expect(big.status).toBe(413);
  });
});

describe('linking a customer', () => {
  it('/start with the card page token links the card once; /stop unlinks it', async () => {
    await seedCustomers(stack.db, { merchantId: m.id, cardId: m.cardId }, 1);
    const [ada] = await customers();
    const page = await fetch(`${api.url}/p/${ada!.token}`).then((r) => r.text());
    const link = /href="https:\/\/t\.me\/cafe_test_bot\?start=([A-Za-z0-9_-]{20,64})"/.exec(page);
    expect(page).toContain('Get messages on Telegram');
    const token = link?.[1] ?? '';
    // The same page again offers the same live token (no new one per view).
    expect(await fetch(`${api.url}/p/${ada!.token}`).then((r) => r.text())).toContain(`start=${token}`);

    expect((await telegram.sendText(5001, `/start ${token}`)).body).toMatchObject({ ok: true, result: 'linked' });
    const linked = await stack.db.selectFrom('telegram_links').selectAll().where('customer_id', '=', ada!.id).execute();
    expect(linked.map((l) => String(l.chat_id))).toEqual(['5001']);
    const welcome = telegram.callsOf('sendMessage').at(-1);
    expect(Number(welcome?.body.chat_id)).toBe(5001);
    expect(String(welcome?.body.text)).toMatch(/^Welcome, Customer 0! Your Coffee card is linked/);
    expect(await fetch(`${api.url}/p/${ada!.token}`).then((r) => r.text())).toContain(
      'Messages also come to you on Telegram',
    );

    // Single use: the token does not link another chat.
    expect((await telegram.sendText(5002, `/start ${token}`)).body.result).toBe('bad_token');
    const still = await stack.db
      .selectFrom('telegram_links')
      .select('chat_id')
      .where('customer_id', '=', ada!.id)
      .execute();
    expect(still.map((l) => String(l.chat_id))).toEqual(['5001']);

    expect((await telegram.sendText(5001, '/stop')).body.result).toBe('unlinked');
    expect(
      await stack.db.selectFrom('telegram_links').selectAll().where('customer_id', '=', ada!.id).execute(),
    ).toEqual([]);
    expect(String(telegram.callsOf('sendMessage').at(-1)?.body.text)).toMatch(/^Unlinked/);
  });

  it('an expired token links nothing', async () => {
    const [ada] = await customers();
    const page = await fetch(`${api.url}/p/${ada!.token}`).then((r) => r.text());
    const token = /start=([A-Za-z0-9_-]+)"/.exec(page)?.[1] ?? '';
    await stack.db
      .updateTable('telegram_link_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token', '=', token)
      .execute();
    expect((await telegram.sendText(5003, `/start ${token}`)).body.result).toBe('bad_token');
    expect(
      await stack.db.selectFrom('telegram_links').selectAll().where('customer_id', '=', ada!.id).execute(),
    ).toEqual([]);
  });
});

describe('a Telegram step', () => {
  it('obeys a 429: the same message goes again only after retry_after, and once', async () => {
    await seedCustomers(stack.db, { merchantId: m.id, cardId: m.cardId }, 5);
    const all = await customers(); // 6: Ada (unlinked above) and five more
    await stack.db
      .insertInto('telegram_links')
      .values({ customer_id: all[1]!.id, merchant_id: m.id, chat_id: 7001 })
      .execute();
    telegram.tooManyRequests(2, 1);
    const from = telegram.calls.length;
    const run = await startRun(stack, m.id, telegramFlow(m.cardId, 'Double stamps today!'));
    expect(await waitForRun(stack, run)).toBe('completed');
    const sends = telegram.calls.slice(from).filter((c) => c.method === 'sendMessage');
    // The fault hit twice at the stand-in, then the message went once, each try after the delay.
    expect(sends.map((c) => [Number(c.body.chat_id), c.status])).toEqual([
      [7001, 429],
      [7001, 429],
      [7001, 200],
    ]);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(990);
    expect(sends[2]!.at - sends[1]!.at).toBeGreaterThanOrEqual(990);
    const sent = await stack.db
      .selectFrom('deliveries')
      .select(['status', 'attempts'])
      .where('run_id', '=', run.runId)
      .where('status', '=', 'sent')
      .execute();
    expect(sent).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  it('sends to linked chats only, unlinks a blocked chat for good, and explains each customer', async () => {
    const all = await customers();
    const linked = all.slice(1, 5);
    await stack.db
      .insertInto('telegram_links')
      .values(linked.slice(1).map((c, i) => ({ customer_id: c.id, merchant_id: m.id, chat_id: 7002 + i })))
      .execute();
    telegram.block(7004);
    const from = telegram.calls.length;

    const run = await startRun(
      stack,
      m.id,
      telegramFlow(m.cardId, 'Hi {{customer.name}}, {{stampsLeft}} stamps to your free coffee.'),
    );
    expect(await waitForRun(stack, run)).toBe('completed');

    const sends = telegram.calls.slice(from).filter((c) => c.method === 'sendMessage');
    const accepted = sends.filter((c) => c.status === 200);
    expect(accepted.map((c) => Number(c.body.chat_id)).sort()).toEqual([7001, 7002, 7003]);
    expect(String(accepted[0]?.body.text)).toMatch(/^Hi Customer \d, \d+ stamps to your free coffee\.$/);
    // The fault hit once at the stand-in (403), and was never retried.
    expect(sends.filter((c) => c.status === 403).map((c) => Number(c.body.chat_id))).toEqual([7004]);
    expect(sends).toHaveLength(4);

    const rows = await stack.db
      .selectFrom('deliveries')
      .select(['customer_id', 'status', 'reason', 'channel'])
      .where('run_id', '=', run.runId)
      .execute();
    const by = new Map(rows.map((r) => [r.customer_id, r]));
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.channel === 'telegram')).toBe(true);
    for (const c of linked.slice(0, 3)) expect(by.get(c.id)).toMatchObject({ status: 'sent', reason: null });
    expect(by.get(linked[3]!.id)).toMatchObject({ status: 'failed', reason: 'telegram_blocked' });
    for (const c of [all[0]!, all[5]!])
      expect(by.get(c.id)).toMatchObject({ status: 'skipped', reason: 'telegram_not_linked' });
    expect(
      await stack.db.selectFrom('telegram_links').select('chat_id').where('chat_id', '=', '7004').execute(),
    ).toEqual([]);

    const timeline = async (id: string) =>
      JSON.stringify((await read(client().v1.customers[':id'].timeline.$get({ param: { id } }))).body);
    expect(await timeline(linked[3]!.id)).toContain('they blocked the bot on Telegram; unlinked');
    expect(await timeline(all[5]!.id)).toContain('has not linked Telegram');
    expect(await timeline(linked[0]!.id)).toContain(
      'The Telegram message “Hi {{customer.name}}, {{stampsLeft}} st…” sent',
    );
  });
});
