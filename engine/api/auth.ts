/**
 * Bearer authentication: merchant API keys for the `/v1` resources and the admin token
 * for creating merchants.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { hashApiKey, secretsEqual } from '../auth/api-key';
import type { Db } from '../db/database';
import type { MerchantEnv } from './env';
import { ApiError } from './errors';

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('Authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * How long a known key is trusted without asking the database: a point of sale posting
 * thousands of events a second then costs one lookup per few seconds, not one per request.
 * A replaced key stops working within this time. Unknown keys are never cached.
 */
export const KEY_CACHE_MS = 5_000;
const KEY_CACHE_MAX = 10_000;
const keyCaches = new WeakMap<Db, Map<string, { merchantId: string; until: number }>>();

/** The merchant of an API key hash, or undefined. */
async function merchantOfKey(db: Db, hash: string): Promise<string | undefined> {
  let cache = keyCaches.get(db);
  if (!cache) keyCaches.set(db, (cache = new Map()));
  const hit = cache.get(hash);
  if (hit && hit.until > Date.now()) return hit.merchantId;
  const merchant = await db.selectFrom('merchants').select('id').where('api_key_hash', '=', hash).executeTakeFirst();
  if (!merchant) return undefined;
  if (cache.size >= KEY_CACHE_MAX) cache.clear();
  cache.set(hash, { merchantId: merchant.id, until: Date.now() + KEY_CACHE_MS });
  return merchant.id;
}

/** Sets `merchantId` from the API key; missing or unknown key → 401. */
export function merchantAuth(db: Db) {
  return createMiddleware<MerchantEnv>(async (c, next) => {
    const key = bearerToken(c);
    if (!key) throw new ApiError('unauthorized', 'Missing API key: send Authorization: Bearer <API key>');
    const merchantId = await merchantOfKey(db, hashApiKey(key));
    if (!merchantId) throw new ApiError('unauthorized', 'Invalid API key');
    c.set('merchantId', merchantId);
    await next();
  });
}

/** Admin-only routes: 403 when no admin token is configured, 401 for a wrong one. */
export function adminAuth(adminToken: string | undefined) {
  return createMiddleware(async (c, next) => {
    if (!adminToken) {
      throw new ApiError('forbidden', 'Creating merchants is disabled: set STAMPFLOW_ADMIN_TOKEN to enable it');
    }
    const token = bearerToken(c);
    if (!token || !secretsEqual(token, adminToken)) {
      throw new ApiError('unauthorized', 'Send Authorization: Bearer <STAMPFLOW_ADMIN_TOKEN>');
    }
    await next();
  });
}
