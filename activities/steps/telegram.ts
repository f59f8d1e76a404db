/**
 * Telegram step, one page: claims each message in the ledger, skips customers whose card is
 * not linked to the merchant's bot (no consent), and sends the rest through grammY within
 * Telegram's limits (≈30 a second per bot, one a second per chat). Each message is marked
 * before its call and recorded right after it, so a worker killed mid-send neither repeats
 * a message (a marked, unrecorded row is not called again) nor loses an unsent one.
 * A 429 waits its `retry_after` and tries again; a 403 (blocked) unlinks the chat for good.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TelegramStep } from '../../engine/compiler/plan';
import { renderEmail } from '../../engine/channels/email/render';
import { sendText, telegramApi, DEFAULT_TELEGRAM_API_URL, type SendAnswer } from '../../engine/channels/telegram/bot-api';
import { loadBot } from '../../engine/channels/telegram/bots';
import { unlinkChat } from '../../engine/channels/telegram/links';
import { pacerFor } from '../../engine/channels/telegram/pacing';
import {
  TELEGRAM_BLOCKED,
  TELEGRAM_NO_BOT,
  TELEGRAM_NOT_LINKED,
  TELEGRAM_UNCONFIRMED,
} from '../../engine/channels/telegram/reasons';
import { calledBefore, claim, markCalled, record, type LedgerKey, type Outcome } from '../../engine/deliveries/ledger';
import { formatPlainDate, localDate } from '../../engine/time/zoned';
import type { StepContext } from './context';
import type { MessageRecipient, PageRef } from './members';

/** Calls in flight at once; the pacer keeps them within the bot's rate. */
const IN_FLIGHT = 8;
/** 429s one message obeys before its page gives up (the activity's retry goes on later). */
const MAX_SLOW_DOWNS = 5;

/** Sends the step's message to the page's claimed recipients and records each answer. */
export async function telegramPage(
  ctx: StepContext,
  step: TelegramStep,
  recipients: readonly MessageRecipient[],
  page: PageRef,
): Promise<void> {
  const key: LedgerKey = { runId: page.runId, nodeId: step.id, channel: 'telegram', heldUntil: ctx.heldUntil };
  const mine = await claim(ctx.db, key, recipients, ctx.claimKey);
  let todo = recipients.filter((r) => mine.has(r.customerId));
  if (todo.length === 0) return;
  const skip = (r: MessageRecipient, reason: string, status: Outcome['status'] = 'skipped'): Outcome => ({
    seq: r.seq,
    customerId: r.customerId,
    status,
    reason,
  });

  // An earlier attempt called Telegram for these and died before recording the answer:
  // Telegram cannot be asked whether it sent them, so they are not sent again.
  const called = await calledBefore(
    ctx.db,
    key,
    todo.filter((r) => mine.retried.has(r.customerId)).map((r) => r.seq),
  );
  if (called.size > 0) {
    await record(ctx.db, key, todo.filter((r) => called.has(r.seq)).map((r) => skip(r, TELEGRAM_UNCONFIRMED, 'failed')));
    todo = todo.filter((r) => !called.has(r.seq));
  }

  const bot = await loadBot(ctx.db, ctx.merchant.id);
  if (!bot) {
    await record(ctx.db, key, todo.map((r) => skip(r, TELEGRAM_NO_BOT)));
    return;
  }
  const chats = await linkedChats(ctx, todo.map((r) => r.customerId));
  await record(ctx.db, key, todo.filter((r) => !chats.has(r.customerId)).map((r) => skip(r, TELEGRAM_NOT_LINKED)));
  const eligible = todo.filter((r) => chats.has(r.customerId));

  const api = telegramApi(bot.token, ctx.channels.telegramApiUrl ?? DEFAULT_TELEGRAM_API_URL);
  const pacer = pacerFor(bot.botId);
  const unavailable: string[] = [];
  const sendOne = async (r: MessageRecipient) => {
    const chatId = chats.get(r.customerId) ?? '';
    const text = messageText(ctx, step, r);
    let answer: SendAnswer;
    for (let slowDowns = 0; ; slowDowns++) {
      await pacer.take(chatId);
      await markCalled(ctx.db, key, r.seq, true);
      await pacer.ready(); // another message's 429 may have come while the mark was written
      answer = await sendText(api, chatId, text);
      if (answer.kind !== 'slow_down' || slowDowns >= MAX_SLOW_DOWNS) break;
      // Nothing was sent: clear the mark, hold the whole bot for Telegram's delay, try again.
      await markCalled(ctx.db, key, r.seq, false);
      pacer.pause(answer.retryAfterS * 1000);
    }
    switch (answer.kind) {
      case 'sent':
        return record(ctx.db, key, [{ seq: r.seq, customerId: r.customerId, status: 'sent', providerMessageId: String(answer.messageId) }]);
      case 'blocked':
        // The customer's opt-out: unlinked at once, recorded, never retried.
        await unlinkChat(ctx.db, ctx.merchant.id, chatId);
        return record(ctx.db, key, [skip(r, TELEGRAM_BLOCKED, 'failed')]);
      case 'refused':
        return record(ctx.db, key, [skip(r, `Telegram refused the message: ${answer.description}`, 'failed')]);
      case 'slow_down':
        await markCalled(ctx.db, key, r.seq, false);
        unavailable.push(`still too many requests after ${MAX_SLOW_DOWNS} waits`);
        return;
      case 'unavailable':
        // A connection refused sent nothing; a timeout may have: the mark stays (at most once).
        if (answer.sentNothing) await markCalled(ctx.db, key, r.seq, false);
        unavailable.push(answer.description);
        return;
      default: {
        const unknown: never = answer;
        throw new Error(`unknown answer ${JSON.stringify(unknown)}`);
      }
    }
  };
  await inParallel(eligible, IN_FLIGHT, sendOne);
  // Rows left `sending` are for the activity's retry.
  if (unavailable.length > 0)
    throw ApplicationFailure.retryable(`Telegram unavailable for ${unavailable.length} messages: ${unavailable[0]}`, 'TelegramUnavailable');
}

/** The chats of the merchant's linked customers among `customerIds`. */
async function linkedChats(ctx: StepContext, customerIds: readonly string[]): Promise<Map<string, string>> {
  if (customerIds.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('telegram_links')
    .select(['customer_id', 'chat_id'])
    .where('merchant_id', '=', ctx.merchant.id)
    .where('customer_id', 'in', customerIds)
    .execute();
  return new Map(rows.map((r) => [r.customer_id, String(r.chat_id)]));
}

/** The step's text with the recipient's placeholders filled in (plain text, as Telegram shows it). */
function messageText(ctx: StepContext, step: TelegramStep, r: MessageRecipient): string {
  return renderEmail(
    { subject: '', body: step.text },
    {
      customerName: r.name,
      cardName: r.cardName,
      stampsLeft: Math.max(0, r.stampsRequired - r.stamps),
      voucherCode: r.voucherCode,
      voucherExpiresOn: r.voucherExpiresAt ? formatPlainDate(localDate(r.voucherExpiresAt, ctx.merchant.timezone)) : null,
    },
  ).textBody;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}
