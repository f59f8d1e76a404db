/**
 * Authentication. `/v1` resources take either a merchant API key (`Authorization: Bearer`)
 * or the editor's session cookie; cookie requests that change state must echo the session's
 * CSRF token in `X-CSRF-Token`. The admin token guards creating merchants.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { authenticateApiKey } from '../../engine/accounts/api-keys';
import { findSession, type ActiveSession } from '../../engine/accounts/sessions';
import { secretsEqual } from '../../engine/auth/api-key';
import type { Db } from '../../engine/db/database';
import type { Actor, MerchantEnv } from './env';
import { ApiError } from './errors';
import { isCrossOrigin, sessionToken } from './session-cookie';

export { KEY_CACHE_MS } from '../../engine/accounts/api-keys';

/** A request authenticated by the session cookie alone (`/v1/auth/session`, sign-out). */
export interface SessionEnv {
  Variables: MerchantEnv['Variables'] & { session: ActiveSession };
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('Authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The session of the request's cookie, CSRF-checked for state-changing methods; undefined
 * without a cookie, 401 for an unknown or expired session, 403 `csrf_failed` for a missing
 * or wrong `X-CSRF-Token`.
 */
async function cookieSession(db: Db, c: Context): Promise<ActiveSession | undefined> {
  const token = sessionToken(c);
  if (!token) return undefined;
  const session = await findSession(db, token);
  if (!session) throw new ApiError('unauthorized', 'Session expired or signed out: sign in again');
  if (STATE_CHANGING.has(c.req.method)) {
    const sent = c.req.header('X-CSRF-Token');
    if (!sent || !secretsEqual(sent, session.csrfToken)) {
      throw new ApiError('csrf_failed', 'Send the session’s csrfToken in the X-CSRF-Token header');
    }
  }
  return session;
}

function staffActor(session: ActiveSession): Actor {
  const { staff } = session;
  return { kind: 'staff', staffId: staff.id, email: staff.email, role: staff.role };
}

/**
 * Sets `merchantId` and `actor` from an API key (preferred when both are sent) or the session
 * cookie. Missing or unknown credentials → 401. Bearer requests need no CSRF token: browsers
 * never attach an Authorization header on their own.
 */
export function merchantAuth(db: Db) {
  return createMiddleware<MerchantEnv>(async (c, next) => {
    // Two sub-apps may share a mount path (customers and their journeys): authenticate once.
    if ((c.get('actor') as Actor | undefined) !== undefined) return next();
    const key = bearerToken(c);
    if (key !== undefined) {
      const holder = await authenticateApiKey(db, key);
      if (!holder) throw new ApiError('unauthorized', 'Invalid API key');
      c.set('merchantId', holder.merchantId);
      c.set('actor', { kind: 'api_key', keyId: holder.keyId, name: holder.name });
      return next();
    }
    const session = await cookieSession(db, c);
    if (!session) {
      throw new ApiError('unauthorized', 'Missing credentials: send Authorization: Bearer <API key>, or sign in');
    }
    c.set('merchantId', session.merchant.id);
    c.set('actor', staffActor(session));
    await next();
  });
}

/** The session cookie alone (no API keys): sets `session` as well; 401 without one. */
export function sessionAuth(db: Db) {
  return createMiddleware<SessionEnv>(async (c, next) => {
    const session = await cookieSession(db, c);
    if (!session) throw new ApiError('unauthorized', 'Not signed in');
    c.set('merchantId', session.merchant.id);
    c.set('actor', staffActor(session));
    c.set('session', session);
    await next();
  });
}

/** After `merchantAuth`: only a signed-in owner passes; staff and API keys get 403. */
export const requireOwner = createMiddleware<MerchantEnv>(async (c, next) => {
  const actor = c.get('actor');
  if (actor.kind === 'api_key') throw new ApiError('forbidden', 'Only an owner signed in to the editor can do this');
  if (actor.role !== 'owner') throw new ApiError('forbidden', 'Only an owner can do this');
  await next();
});

/** Refuses a sign-in posted from another site's page (login CSRF): 403 `csrf_failed`. */
export const sameOriginOnly = createMiddleware(async (c, next) => {
  if (isCrossOrigin(c)) throw new ApiError('csrf_failed', 'Cross-origin request refused');
  await next();
});

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
