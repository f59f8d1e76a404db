/**
 * The app-wide flood guard: every route has a call limit, counted per minute.
 *
 * - A caller with credentials (an API key, a session cookie, a pass's `ApplePass` token,
 *   Postmark's Basic auth, a Telegram bot's webhook secret) is counted by those credentials, with a limit far above what a
 *   real client sends (500 calls a second over a minute; the `journeys` benchmark sends about
 *   2,100 calls in its busiest minute), so it only stops a runaway script.
 * - A caller without credentials (card pages, the join page, unsubscribe links, the
 *   editor's files, sign-in) is counted by its address (`client`, see `client-info.ts`).
 *
 * Routes with a tighter limit of their own (sign-in, join, the PassKit web service, the
 * Telegram webhook) keep it; this one sits in front of them all. Counts are kept in memory
 * per API process (see `engine/limits/rate-limit.ts`). A refusal is a 429 `rate_limited`
 * with `Retry-After`.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { createRateLimit } from '../../engine/limits/rate-limit';
import type { BaseEnv } from './env';
import { ApiError } from './errors';
import { SESSION_COOKIE } from './session-cookie';

export interface RateLimitOptions {
  /** Calls per minute per set of credentials. */
  readonly perCredentialPerMinute: number;
  /** Calls per minute per client address, for calls without credentials. */
  readonly anonymousPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  perCredentialPerMinute: 30_000,
  anonymousPerMinute: 1_200,
};

/**
 * A short digest of the caller's credentials, or undefined when it sent none. Telegram's
 * webhook secret counts as one: Telegram calls every merchant's bot from the same few addresses.
 */
function credentialKey(c: Context<BaseEnv>): string | undefined {
  const session = getCookie(c, SESSION_COOKIE);
  const telegram = c.req.header('X-Telegram-Bot-Api-Secret-Token');
  const secret =
    c.req.header('Authorization') ?? (session ? `session ${session}` : telegram ? `telegram ${telegram}` : undefined);
  // Hashed so the limiter's map never holds a usable secret.
  return secret ? createHash('sha256').update(secret).digest('base64url').slice(0, 22) : undefined;
}

export function rateLimits(options: RateLimitOptions = DEFAULT_RATE_LIMITS) {
  const perCredential = createRateLimit({ calls: options.perCredentialPerMinute, windowMs: 60_000 });
  const anonymous = createRateLimit({ calls: options.anonymousPerMinute, windowMs: 60_000 });
  return createMiddleware<BaseEnv>(async (c, next) => {
    const credential = credentialKey(c);
    const wait = credential ? perCredential.hit(credential) : anonymous.hit(c.get('client'));
    if (wait > 0) {
      throw new ApiError(
        'rate_limited',
        credential
          ? `Too many requests with these credentials; retry in ${wait} s`
          : `Too many requests from this address; retry in ${wait} s`,
        { retryAfterSeconds: wait },
        { 'Retry-After': String(wait) },
      );
    }
    await next();
  });
}
