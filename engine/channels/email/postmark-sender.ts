/**
 * Sends email through Postmark's batch API with the official `postmark` client.
 *
 * Outcomes: each message Postmark judges gets a final {@link SendResult}; a call that fails
 * as a whole throws, and none of its messages are reported as sent, so the caller retries
 * them. Postmark has no idempotency key: a call that times out after Postmark accepted it
 * could be sent again on retry, so `findAccepted` asks Postmark's outbound message search
 * which messages of a batch it already has (by the batch's metadata key). Postmark's search
 * index can lag a few seconds behind; a retry comes after the activity's heartbeat timeout
 * or the call's own timeout, and a search that cannot answer means a resend, counted.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Errors, ServerClient, type Message, type Models } from 'postmark';
import type { EmailSender, OutgoingEmail, SendResult } from './types';

export interface PostmarkSenderConfig {
  serverToken: string;
  /** Default `https://api.postmarkapp.com`; a local server is e.g. `http://127.0.0.1:4010`. */
  apiUrl?: string;
  /**
   * Per call; default 10 s, below the activity heartbeat timeout, so a call that never
   * answers fails (and is retried) before Temporal gives the whole activity up.
   */
  timeoutMs?: number;
}

/** Postmark's limit of messages per `/email/batch` call. */
export const POSTMARK_BATCH_LIMIT = 500;
const DEFAULT_API_URL = 'https://api.postmarkapp.com';
const DEFAULT_TIMEOUT_MS = 10_000;
/** See `EmailSender.stuckAfterMs`. */
const STUCK_AFTER_MS = 2_000;
const INACTIVE_RECIPIENT = 406;
const INVALID_EMAIL_REQUEST = 300;

/**
 * A whole call failed in a way a retry can fix (429, 5xx, network, timeout). Retryable:
 * Temporal retries the activity. `settled` holds the results of the earlier chunks of the
 * same `sendBatch` that Postmark did answer: record them before retrying, or they are sent twice.
 */
export class PostmarkUnavailableError extends Error {
  override readonly name = 'PostmarkUnavailableError';

  constructor(
    message: string,
    readonly settled: SendResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The results a failed `sendBatch` did settle before it threw: a prefix of its messages,
 * in order (empty when the first call failed). Works for retryable and non-retryable errors.
 */
export function settledBeforeFailure(error: unknown): SendResult[] {
  if (error instanceof PostmarkUnavailableError) return error.settled;
  const detail: unknown = error instanceof ApplicationFailure ? error.details?.[0] : undefined;
  if (typeof detail === 'object' && detail !== null && 'settled' in detail && Array.isArray(detail.settled)) {
    return detail.settled as SendResult[];
  }
  return [];
}

/**
 * A sender over the real Postmark API, in calls of at most {@link POSTMARK_BATCH_LIMIT}.
 *
 * @example
 * const sender = createPostmarkSender({ serverToken: process.env.POSTMARK_TOKEN! });
 * const [result] = await sender.sendBatch([email]); // {status: 'sent', providerMessageId}
 */
export function createPostmarkSender(config: PostmarkSenderConfig): EmailSender {
  const client = new ServerClient(config.serverToken, clientOptions(config));
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    // A batch answers in well under a second; one still pending after 2 s is stuck, and the
    // search can say what Postmark has of it long before the call's timeout.
    ...(timeoutMs >= 2 * STUCK_AFTER_MS ? { stuckAfterMs: STUCK_AFTER_MS } : {}),
    async sendBatch(messages) {
      const results: SendResult[] = [];
      for (let start = 0; start < messages.length; start += POSTMARK_BATCH_LIMIT) {
        const chunk = messages.slice(start, start + POSTMARK_BATCH_LIMIT);
        let answers: Models.MessageSendingResponse[];
        try {
          answers = await client.sendEmailBatch(chunk.map(toPostmarkMessage));
        } catch (error) {
          throw toActivityError(error, results);
        }
        if (!Array.isArray(answers) || answers.length !== chunk.length) {
          // Postmark may have sent some of them: retrying blind would duplicate, so stop here.
          throw failure(
            `Postmark answered a batch of ${chunk.length} with ${describeAnswers(answers)}`,
            'PostmarkProtocolError',
            results,
          );
        }
        results.push(...answers.map(toResult));
      }
      return results;
    },

    async findAccepted(metadata) {
      // Postmark's outbound message search, filtered by metadata (`metadata_<key>=<value>`),
      // 500 a page; it answers at most 10,000 messages, far above one page of ours.
      const found = new Map<string, string>();
      const filters = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`metadata_${k}`, v]));
      for (let offset = 0; offset < SEARCH_LIMIT; offset += POSTMARK_BATCH_LIMIT) {
        const page = await client.getOutboundMessages({ count: POSTMARK_BATCH_LIMIT, offset, ...filters });
        for (const m of page.Messages) {
          const customerId = (m.Metadata as Record<string, string> | undefined)?.customerId;
          if (customerId) found.set(customerId, m.MessageID);
        }
        if (offset + page.Messages.length >= Number(page.TotalCount) || page.Messages.length === 0) break;
      }
      return found;
    },
  };
}

/** Postmark's search answers up to count + offset = 10,000. */
const SEARCH_LIMIT = 10_000;

/** The client's options: it joins scheme and `requestHost` (host and port) and counts `timeout` in seconds. */
function clientOptions(config: PostmarkSenderConfig): { useHttps: boolean; requestHost: string; timeout: number } {
  const url = new URL(config.apiUrl ?? DEFAULT_API_URL);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`Postmark apiUrl must be http(s): ${url.href}`);
  if (url.pathname !== '/' || url.search !== '')
    throw new Error(`Postmark apiUrl cannot carry a path or query: ${url.href}`);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // The client treats 0 as "use the default", so a non-positive timeout is a mistake.
  if (!(timeoutMs > 0)) throw new Error(`Postmark timeoutMs must be positive, got ${timeoutMs}`);
  return { useHttps: url.protocol === 'https:', requestHost: url.host, timeout: timeoutMs / 1000 };
}

function toPostmarkMessage(email: OutgoingEmail): Message {
  return {
    From: email.from,
    To: email.to,
    Subject: email.subject,
    HtmlBody: email.htmlBody,
    TextBody: email.textBody,
    MessageStream: email.messageStream,
    Headers: email.headers?.map((header) => ({ Name: header.name, Value: header.value })),
    Metadata: email.metadata,
    Tag: email.tag,
  };
}

function toResult(answer: Models.MessageSendingResponse): SendResult {
  const code = answer.ErrorCode;
  if (code === 0) return { status: 'sent', providerMessageId: answer.MessageID };
  if (code === INACTIVE_RECIPIENT) return { status: 'suppressed', reason: 'inactive_recipient' };
  if (code === INVALID_EMAIL_REQUEST || (code >= 400 && code < 500)) {
    return { status: 'failed', reason: `invalid_email: ${answer.Message}` };
  }
  return { status: 'failed', reason: `postmark_error_${code}: ${answer.Message}` };
}

/** Maps a whole-call failure to what Temporal should do with it. */
function toActivityError(error: unknown, settled: SendResult[]): Error {
  const copy = [...settled];
  if (!(error instanceof Errors.PostmarkError)) {
    return new PostmarkUnavailableError(`Postmark call failed: ${String(error)}`, copy, { cause: error });
  }
  if (error instanceof Errors.InvalidAPIKeyError)
    return failure('Postmark rejected the server token', 'PostmarkAuthError', copy);
  if (error instanceof Errors.ApiInputError) {
    return failure(
      `Postmark refused the request (ErrorCode ${error.code}): ${error.message}`,
      'PostmarkInputError',
      copy,
    );
  }
  const status = error.statusCode;
  if (status === 0) {
    // No HTTP answer: refused, reset or timed out. Postmark may have accepted the call.
    return new PostmarkUnavailableError(
      `Postmark gave no answer (${error.message}); the call may have been accepted`,
      copy,
      { cause: error },
    );
  }
  if (status === 408 || status === 429 || status >= 500) {
    const what = status === 429 ? ' (rate limited)' : '';
    return new PostmarkUnavailableError(`Postmark answered ${status}${what}: ${error.message}`, copy, { cause: error });
  }
  return failure(`Postmark answered ${status}: ${error.message}`, 'PostmarkRequestError', copy);
}

function failure(message: string, type: string, settled: SendResult[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(settled.length > 0 ? [{ settled }] : []));
}

function describeAnswers(answers: unknown): string {
  return Array.isArray(answers) ? `${answers.length} results` : `a ${typeof answers}`;
}
