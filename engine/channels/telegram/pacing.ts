/**
 * Telegram's sending limits, kept per worker process: about 30 messages a second per bot
 * and one a second per chat. A 429 answer still comes first (its `retry_after` is obeyed by
 * the caller); pacing only keeps us from asking for one. Several worker processes each
 * keep their own pace, so a deployment with N workers may reach N × 30 per bot, which
 * Telegram answers with 429s that are then obeyed.
 */

/** Messages per second per bot. */
export const BOT_RATE_PER_S = 30;
/** The least time between two messages to one chat. */
export const CHAT_GAP_MS = 1_000;

export interface Pacer {
  /** Waits until a message to `chatId` may go, and books it. */
  take(chatId: string): Promise<void>;
  /** Holds every message of the bot for `ms` (a 429's `retry_after`). */
  pause(ms: number): void;
  /** Waits out a pause that began after `take` (just before a call goes). */
  ready(): Promise<void>;
}

const pacers = new Map<string, Pacer>();

/** The process's pacer for one bot (by its id), shared by every activity sending through it. */
export function pacerFor(botId: string): Pacer {
  let pacer = pacers.get(botId);
  if (!pacer) {
    pacer = createPacer();
    pacers.set(botId, pacer);
  }
  return pacer;
}

/** A pacer: messages of the bot at least `1000 / rate` ms apart, and of each chat `chatGapMs` apart. */
export function createPacer({ ratePerS = BOT_RATE_PER_S, chatGapMs = CHAT_GAP_MS } = {}): Pacer {
  const gap = 1000 / ratePerS;
  let nextBotSlot = 0;
  let pausedUntil = 0;
  const nextChatSlot = new Map<string, number>();
  return {
    async take(chatId) {
      // Booked only when due, so a pause that came while waiting holds this message too.
      for (;;) {
        const now = Date.now();
        const at = Math.max(now, nextBotSlot, pausedUntil, nextChatSlot.get(chatId) ?? 0);
        if (at <= now) {
          nextBotSlot = now + gap;
          nextChatSlot.set(chatId, now + chatGapMs);
          if (nextChatSlot.size > 10_000) for (const [id, t] of nextChatSlot) if (t < now) nextChatSlot.delete(id);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, at - now));
      }
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, Date.now() + ms);
    },
    async ready() {
      while (pausedUntil > Date.now()) await new Promise((resolve) => setTimeout(resolve, pausedUntil - Date.now()));
    },
  };
}
