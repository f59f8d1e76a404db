/**
 * Request body limits, per kind of route, enforced while the body is read: a declared
 * `Content-Length` over the limit is refused before one byte is read, a chunked body as soon
 * as it passes the limit. Every refusal is a 413 with the usual JSON error body.
 *
 * The large limit is only for the customer import, and only after its credentials have been
 * checked: nobody without an API key or a session can make the API hold more than a few KB.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The limits, in bytes. */
export const BODY_LIMITS = {
  /** Routes anyone may call (sign-in, invites, the PassKit web service, unsubscribe, join). */
  public: 8 * KiB,
  /** Postmark's webhooks: checked by their own Basic auth; a bounce can carry its message. */
  webhook: 256 * KiB,
  /** Telegram's webhook (checked by its secret token): one update, a message of at most 4,096 characters. */
  telegram: 64 * KiB,
  /** Authenticated JSON: a flow within its size budget, an event, a campaign. */
  json: 1 * MiB,
  /** `POST /v1/customers`, after authentication: up to 10,000 customers per call. */
  import: 32 * MiB,
} as const;

function describe(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KB`;
}

/** A limit of `maxSize` bytes answering 413 `payload_too_large`. */
export function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError('payload_too_large', `Request body exceeds ${describe(maxSize)}`, { limitBytes: maxSize });
    },
  });
}

/** True for the customer import, whose route applies {@link BODY_LIMITS.import} after authenticating. */
function isImport(method: string, path: string): boolean {
  return method === 'POST' && (path === '/v1/customers' || path === '/v1/customers/');
}

/** The limit for a path other than the import. */
function limitFor(path: string): number {
  if (path.startsWith('/v1/auth/')) return BODY_LIMITS.public;
  if (path.startsWith('/v1/telegram/')) return BODY_LIMITS.telegram;
  if (path.startsWith('/v1/')) return BODY_LIMITS.json;
  if (path.startsWith('/webhooks/')) return BODY_LIMITS.webhook;
  return BODY_LIMITS.public;
}

/** The app-wide middleware: each request gets its route's limit (the import's comes later). */
export function bodyLimits(): MiddlewareHandler {
  const limits = new Map(Object.values(BODY_LIMITS).map((bytes) => [bytes, limitBody(bytes)]));
  return async (c, next) => {
    if (isImport(c.req.method, c.req.path)) return next();
    const limit = limits.get(limitFor(c.req.path));
    if (!limit) throw new Error('every limit has its middleware');
    return limit(c, next);
  };
}
