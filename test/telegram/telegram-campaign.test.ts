/**
 * The proof: a campaign to 300 customers, 120 of whom linked Telegram and 10 of those
 * blocked the bot, sent by the production worker (a separate process) through grammY to the
 * Bot API stand-in — and the worker SIGKILLed while Telegram holds its calls. Exactly 110
 * messages are accepted, each chat once; the 10 are recorded blocked and unlinked; the 180
 * are explained; no chat gets more than one message a second, the bot about 30.
 * Its own Temporal dev server: the worker process listens on the production task queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalCli } from '../../server/temporal/cli-path';
import { getFreePort, startDevServer, type DevServer } from '../../server/temporal/dev-server';
import { runWorkflowId } from '../../server/temporal/run-launcher';
import { waitFor, waitForRun } from '../support/runs';
import { seedCustomers } from '../support/seed';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess } from '../support/worker-process';
import type { TelegramServer } from '../telegram-server';
import { present, read } from '../api/harness';
import { apiMerchant, BOT_TOKEN, serveApi, startTelegramServer, type Served } from './kit';

const CUSTOMERS = 300;
const LINKED = 120;
const BLOCKED = 10;
/** Answers after this many accepted messages are held until the worker is dead. */
const HOLD_AFTER = 40;

let dir: string;
let temporal: DevServer;
let telegram: TelegramServer;
let stack: Stack;
let api: Served;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stampflow-telegram-'));
  temporal = await startDevServer({ cliPath: await ensureTemporalCli(), dbFilename: join(dir, 'temporal.db'), port: await getFreePort() });
  telegram = await startTelegramServer({ token: BOT_TOKEN, latencyMs: 10 });
  stack = await startStack(undefined, temporal.address, { worker: false, taskQueue: 'stampflow' });
  api = await serveApi(stack, telegram);
});
afterAll(async () => {
  await api?.close();
  await stack?.stop();
  await telegram?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Telegram campaign', () => {
  it('reaches 110 linked chats exactly once, unlinks the 10 who blocked the bot, explains the rest — through a worker SIGKILL', async () => {
    const m = await apiMerchant(api);
    expect((await api.client(m.apiKey).v1.merchant.telegram.$put({ json: { token: BOT_TOKEN } })).status).toBe(200);
    await seedCustomers(stack.db, { merchantId: m.id, cardId: m.cardId }, CUSTOMERS);
    const customers = await stack.db.selectFrom('customers').select('id').where('merchant_id', '=', m.id).orderBy('id').execute();
    // Every other customer links, up to 120; every 12th linked chat blocked the bot since.
    const linked = customers.filter((_, i) => i % 2 === 0).slice(0, LINKED);
    const chatOf = new Map(linked.map((c, i) => [c.id, 900_000 + i]));
    await stack.db
      .insertInto('telegram_links')
      .values(linked.map((c) => ({ customer_id: c.id, merchant_id: m.id, chat_id: chatOf.get(c.id)! })))
      .execute();
    const blocked = linked.filter((_, i) => i % 12 === 5).map((c) => chatOf.get(c.id)!);
    expect(blocked).toHaveLength(BLOCKED);
    for (const chat of blocked) telegram.block(chat);
    telegram.holdAfter(HOLD_AFTER);

    const env = { DATABASE_URL: stack.dbUrl, TEMPORAL_ADDRESS: temporal.address, TELEGRAM_API_URL: telegram.url };
    const first = await startWorkerProcess(env);
    const made = await read(
      api.client(m.apiKey).v1.campaigns.$post({
        json: {
          cardId: m.cardId,
          push: { text: 'Coffee time ☕' },
          messageText: 'Hi {{customer.name}}! Your next coffee is on us this week.',
          telegram: true,
        },
      }),
    );
    expect(made.status).toBe(201);
    const runId = present(made.body.runId, 'the run id');
    const run = { runId, workflowId: runWorkflowId(runId) };

    // Kill while Telegram holds calls: messages in flight, recorded ones before them, most unsent.
    let held = 0;
    await waitFor('calls held at the stand-in', async () => {
      const now = telegram.held();
      const steady = now > 0 && now === held;
      held = now;
      if (!steady) await sleep(700);
      return steady;
    });
    await first.kill('SIGKILL');
    telegram.release();
    const sentAtKill = await stack.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('run_id', '=', run.runId)
      .where('channel', '=', 'telegram')
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    expect(Number(sentAtKill.n)).toBe(HOLD_AFTER);

    const second = await startWorkerProcess(env);
    try {
      expect(await waitForRun(stack, run)).toBe('completed');
    } finally {
      await second.kill();
    }

    // At the stand-in: 110 accepted messages, each chat once, and the 10 blocked ones answered 403 once each.
    const sends = telegram.callsOf('sendMessage');
    const accepted = sends.filter((c) => c.status === 200);
    expect(accepted).toHaveLength(LINKED - BLOCKED);
    expect(new Set(accepted.map((c) => Number(c.body.chat_id))).size).toBe(LINKED - BLOCKED);
    expect(sends.filter((c) => c.status === 403).map((c) => Number(c.body.chat_id)).sort()).toEqual([...blocked].sort());
    expect(sends).toHaveLength(LINKED);
    // No chat above one message a second; the bot within 30 in any second.
    const perChat = new Map<number, number[]>();
    for (const c of sends) perChat.set(Number(c.body.chat_id), [...(perChat.get(Number(c.body.chat_id)) ?? []), c.at]);
    for (const times of perChat.values()) for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    const at = sends.map((c) => c.at).sort((a, b) => a - b);
    const busiest = Math.max(...at.map((t, i) => at.filter((u, j) => j >= i && u < t + 1000).length));
    // "About 30": the pacer spaces calls 33 ms apart as they leave; the ledger write just
    // before each call makes arrivals jitter by a few ms, so a second can see one or two more.
    expect(busiest).toBeLessThanOrEqual(32);

    // In the ledger: one row per customer; the held calls (sent, answer lost) are not repeated.
    const rows = await stack.db
      .selectFrom('deliveries')
      .select(['customer_id', 'status', 'reason'])
      .where('run_id', '=', run.runId)
      .where('channel', '=', 'telegram')
      .execute();
    expect(rows).toHaveLength(CUSTOMERS);
    const count = (status: string, reason: string | null) => rows.filter((r) => r.status === status && r.reason === reason);
    const unconfirmed = count('failed', 'telegram_unconfirmed');
    expect(unconfirmed).toHaveLength(held);
    expect(count('sent', null).length + unconfirmed.length).toBe(LINKED - BLOCKED);
    const acceptedChats = new Set(accepted.map((c) => Number(c.body.chat_id)));
    for (const r of unconfirmed) expect(acceptedChats.has(chatOf.get(r.customer_id)!)).toBe(true);
    expect(count('failed', 'telegram_blocked')).toHaveLength(BLOCKED);
    expect(count('skipped', 'telegram_not_linked')).toHaveLength(CUSTOMERS - LINKED);
    const links = await stack.db.selectFrom('telegram_links').select('chat_id').where('merchant_id', '=', m.id).execute();
    expect(links).toHaveLength(LINKED - BLOCKED);
    expect(links.map((l) => Number(l.chat_id)).filter((c) => blocked.includes(c))).toEqual([]);
    // The push went to everyone as well (the outbox), each once.
    const pushes = await stack.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('run_id', '=', run.runId)
      .where('channel', '=', 'push')
      .executeTakeFirstOrThrow();
    expect(Number(pushes.n)).toBe(CUSTOMERS);
  }, 300_000);
});
