/** The reasons a Telegram delivery records (the timeline and the run page put them in words). */

/** Skipped: the customer's card is not linked to the bot (no consent to Telegram messages). */
export const TELEGRAM_NOT_LINKED = 'telegram_not_linked';
/** Skipped: the merchant has no bot connected. */
export const TELEGRAM_NO_BOT = 'telegram_no_bot';
/** Failed: Telegram answered 403 (the user blocked the bot); the chat was unlinked. */
export const TELEGRAM_BLOCKED = 'telegram_blocked';
/**
 * Failed: a worker died between asking Telegram and recording its answer; Telegram cannot
 * be asked what it has, so the message is not sent again (at most once).
 */
export const TELEGRAM_UNCONFIRMED = 'telegram_unconfirmed';
