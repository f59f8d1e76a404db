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

/** Sets `merchantId` from the API key; missing or unknown key → 401. */
export function merchantAuth(db: Db) {
  return createMiddleware<MerchantEnv>(async (c, next) => {
    const key = bearerToken(c);
    if (!key) throw new ApiError('unauthorized', 'Missing API key: send Authorization: Bearer <API key>');
    const merchant = await db
      .selectFrom('merchants')
      .select('id')
      .where('api_key_hash', '=', hashApiKey(key))
      .executeTakeFirst();
    if (!merchant) throw new ApiError('unauthorized', 'Invalid API key');
    c.set('merchantId', merchant.id);
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
