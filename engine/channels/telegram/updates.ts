/**
 * What the bot does with an incoming `Update` (grammY's type): `/start <token>` links the
 * card of the token's customer to the chat and welcomes them, `/stop` unlinks it, a user
 * blocking the bot (`my_chat_member` → `kicked`) unlinks it silently. Anything else gets a
 * short hint. Replies go through the same grammY client.
 */
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Db } from '../../db/database';
import { log } from '../../log';
import { redeemLinkToken, unlinkChat } from './links';

export type UpdateResult = 'linked' | 'bad_token' | 'unlinked' | 'blocked' | 'hint' | 'ignored';

/** Handles one update for the merchant `shop`; answers what it did. */
export async function handleUpdate(
  db: Db,
  api: Api,
  shop: { readonly merchantId: string; readonly name: string },
  update: Update,
): Promise<UpdateResult> {
  const member = update.my_chat_member;
  if (member) {
    if (member.new_chat_member.status !== 'kicked') return 'ignored';
    await unlinkChat(db, shop.merchantId, String(member.chat.id));
    return 'blocked';
  }
  const message = update.message;
  if (!message?.text || message.chat.type !== 'private') return 'ignored';
  const chatId = String(message.chat.id);
  const [command, arg] = message.text.trim().split(/\s+/, 2);
  const reply = (text: string) => api.sendMessage(chatId, text).catch((err: unknown) => log.warn('telegram reply failed', { err }));
  if (command === '/start' && arg) {
    const linked = await redeemLinkToken(db, shop.merchantId, arg, chatId);
    if (!linked) {
      await reply('This link has expired or was used already. Open your card page again and tap "Get messages on Telegram".');
      return 'bad_token';
    }
    await reply(
      `Welcome, ${linked.customerName}! Your ${linked.cardName} is linked: ${shop.name} will send its messages here. Send /stop to unlink at any time.`,
    );
    return 'linked';
  }
  if (command === '/stop') {
    const n = await unlinkChat(db, shop.merchantId, chatId);
    await reply(
      n > 0
        ? `Unlinked: ${shop.name} will send no more messages here. You can link again from your card page.`
        : 'This chat is not linked to a card.',
    );
    return 'unlinked';
  }
  await reply(`To get ${shop.name}'s messages here, open your card page and tap "Get messages on Telegram". Send /stop to unlink.`);
  return 'hint';
}
