/**
 * `POST /webhooks/postmark`: Postmark's webhooks (Delivery, Bounce, SpamComplaint,
 * SubscriptionChange, Open, Click), behind HTTP basic auth (`POSTMARK_WEBHOOK_AUTH`,
 * compared in constant time; set the same `user:password` in the webhook URL on Postmark).
 * A malformed payload is a 400; an event for a message we do not know is a 200 that is
 * logged, so Postmark stops retrying; a replay changes nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { applyPostmarkEvent, postmarkEvent } from '../../engine/customers/postmark-events';
import type { Db } from '../../engine/db/database';
import { log } from '../../engine/log';
import type { BaseEnv } from './env';
import { ApiError } from './errors';
import { jsonBody } from './validate';

export interface WebhookAuth {
  readonly user: string;
  readonly password: string;
}

/** Mounted at `/webhooks/postmark`. */
export function postmarkWebhookRoutes(db: Db, auth: WebhookAuth | undefined) {
  return new Hono<BaseEnv>()
    .use(async (c, next) => {
      if (!auth)
        throw new ApiError(
          'unavailable',
          'Postmark webhooks are not configured: set POSTMARK_WEBHOOK_AUTH=user:password',
        );
      if (!matches(c.req.header('Authorization'), auth)) {
        throw new ApiError('unauthorized', 'Webhook credentials are missing or wrong', undefined, {
          'WWW-Authenticate': 'Basic realm="postmark"',
        });
      }
      await next();
    })
    .post('/', jsonBody(postmarkEvent), async (c) => {
      const event = c.req.valid('json');
      const result = await applyPostmarkEvent(db, event);
      if (result.kind === 'unknown_message')
        log.warn('postmark webhook for an unknown message', { detail: result.detail });
      else
        log.info('postmark webhook', { recordType: event.RecordType, messageId: event.MessageID, result: result.kind });
      return c.json({ ok: true as const, result: result.kind }, 200);
    });
}

/** `Basic base64(user:password)` against the configured pair, digest against digest. */
function matches(header: string | undefined, auth: WebhookAuth): boolean {
  const given = header?.startsWith('Basic ') ? Buffer.from(header.slice(6).trim(), 'base64').toString('utf8') : '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(`${auth.user}:${auth.password}`)) && given !== '';
}
