/**
 * `Idempotency-Key` on the POSTs that create something (customers, events, campaigns, runs),
 * as Stripe's API has it: the first answer is stored per merchant and key, and a retry with
 * the same key and the same request gets that answer again (with `Idempotent-Replayed:
 * true`) instead of creating twice. The same key with another request is a 422; a retry
 * while the first is still being answered a 409. Server errors (5xx) are not stored, so a
 * retry after one runs again. Keys are kept for 24 hours.
 */
import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { MerchantEnv } from './env';
import { ApiError } from './errors';

const KEY = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_HOURS = 24;

/** The middleware; put it after authentication (keys are per merchant). */
export function idempotent(db: Db) {
  return createMiddleware<MerchantEnv>(async (c, next) => {
    const key = c.req.header('Idempotency-Key');
    if (key === undefined) return next();
    if (!KEY.test(key)) throw new ApiError('bad_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    const merchantId = c.get('merchantId');
    const route = `${c.req.method} ${c.req.path}`;
    const requestHash = createHash('sha256').update(await c.req.text()).digest('hex');
    const claimed = await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('idempotency_keys')
        .where('merchant_id', '=', merchantId)
        .where('key', '=', key)
        .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})`)
        .execute();
      const inserted = await trx
        .insertInto('idempotency_keys')
        .values({ merchant_id: merchantId, key, route, request_hash: requestHash })
        .onConflict((oc) => oc.columns(['merchant_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      return inserted !== undefined;
    });
    if (!claimed) {
      const first = await db
        .selectFrom('idempotency_keys')
        .select(['route', 'request_hash', 'status', 'body'])
        .where('merchant_id', '=', merchantId)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (first.route !== route || first.request_hash !== requestHash) {
        throw new ApiError('unprocessable', 'This Idempotency-Key was used with a different request; use a new key for a new request');
      }
      if (first.status === null) {
        throw new ApiError('conflict', 'The first request with this Idempotency-Key is still being answered; retry shortly', undefined, { 'Retry-After': '1' });
      }
      return c.json(first.body as object, first.status as ContentfulStatusCode, { 'Idempotent-Replayed': 'true' });
    }
    await next();
    if (c.res.status >= 500) {
      await db.deleteFrom('idempotency_keys').where('merchant_id', '=', merchantId).where('key', '=', key).execute();
      return;
    }
    const body: unknown = await c.res.clone().json().catch(() => null);
    await db
      .updateTable('idempotency_keys')
      .set({ status: c.res.status, body: JSON.stringify(body) })
      .where('merchant_id', '=', merchantId)
      .where('key', '=', key)
      .execute();
  });
}
