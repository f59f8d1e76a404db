/**
 * The Telegram Bot API through grammY's `Api` client (no hand-rolled HTTP): checking a
 * token (`getMe`), pointing the bot's webhook at us (`setWebhook` with a `secret_token`),
 * and sending one message, with Telegram's answer sorted into what the step does next.
 */
import { Api, GrammyError, HttpError } from 'grammy';

/** Telegram's own server; `TELEGRAM_API_URL` points tests and stand-ins elsewhere. */
export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';

/** A per-call timeout: a hung call must not hold a page for long. */
const TIMEOUT_SECONDS = 10;

/** A grammY client for one bot. */
export function telegramApi(token: string, apiUrl: string = DEFAULT_TELEGRAM_API_URL): Api {
  return new Api(token, { apiRoot: apiUrl, timeoutSeconds: TIMEOUT_SECONDS });
}

/** What Telegram said about one `sendMessage`. */
export type SendAnswer =
  | { readonly kind: 'sent'; readonly messageId: number }
  /** 403: the user blocked the bot (or deleted the chat): unlink, never retry. */
  | { readonly kind: 'blocked'; readonly description: string }
  /** 429: too many requests; try again after `retryAfterS`. */
  | { readonly kind: 'slow_down'; readonly retryAfterS: number }
  /** Another 4xx (chat not found, text too long…): final for this message. */
  | { readonly kind: 'refused'; readonly description: string }
  /**
   * 5xx or the network: the call may be repeated later. `sentNothing`: Telegram answered
   * with an error, or the connection was refused (a timeout may have sent the message).
   */
  | { readonly kind: 'unavailable'; readonly description: string; readonly sentNothing: boolean };

/** Sends `text` to `chatId`, answering what Telegram said instead of throwing. */
export async function sendText(api: Api, chatId: string, text: string): Promise<SendAnswer> {
  try {
    const message = await api.sendMessage(chatId, text, { link_preview_options: { is_disabled: true } });
    return { kind: 'sent', messageId: message.message_id };
  } catch (err) {
    return classify(err);
  }
}

/** Sorts a failed call by what it means for the message. */
export function classify(err: unknown): Exclude<SendAnswer, { kind: 'sent' }> {
  if (err instanceof GrammyError) {
    if (err.error_code === 403) return { kind: 'blocked', description: err.description };
    if (err.error_code === 429) return { kind: 'slow_down', retryAfterS: err.parameters.retry_after ?? 1 };
    if (err.error_code >= 500) return { kind: 'unavailable', description: err.description, sentNothing: true };
    return { kind: 'refused', description: err.description };
  }
  const description = err instanceof Error ? err.message : String(err);
  const cause = err instanceof HttpError ? String((err.error as { code?: unknown } | undefined)?.code ?? err.error) : '';
  return { kind: 'unavailable', description, sentNothing: /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(`${cause} ${description}`) };
}
