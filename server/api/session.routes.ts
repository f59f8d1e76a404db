/**
 * `/v1/auth`: the editor signs in with email and password and then calls `/v1` with the
 * `sf_session` cookie, echoing `csrfToken` in `X-CSRF-Token` on every POST, PUT, PATCH and DELETE.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { acceptInvite } from '../../engine/accounts/invites';
import { closeSession, type NewSession, type SignedIn } from '../../engine/accounts/sessions';
import { signIn } from '../../engine/accounts/sign-in';
import { sameOriginOnly, sessionAuth } from './auth';
import type { AppDeps } from './deps';
import type { BaseEnv } from './env';
import { ApiError } from './errors';
import { emailAddress } from '../../engine/fields';
import { clearSessionCookie, setSessionCookie } from './session-cookie';
import { jsonBody } from './validate';

const signInBody = z.object({
  email: emailAddress(),
  password: z.string().min(1, 'is required').max(1000),
});

const acceptInviteBody = z.object({
  token: z.string().min(1, 'is required').max(200),
  password: z.string().min(8, 'must be at least 8 characters').max(1000),
});

/** The answer of sign-in, accept-invite and `GET /session`. */
function signedInJson(s: SignedIn) {
  return {
    staff: { id: s.staff.id, email: s.staff.email, role: s.staff.role },
    merchant: { id: s.merchant.id, name: s.merchant.name, timezone: s.merchant.timezone },
    csrfToken: s.csrfToken,
  };
}

function started(c: Context, session: NewSession) {
  setSessionCookie(c, session.token);
  return signedInJson(session);
}

/** Mounted at `/v1/auth`. */
export function sessionRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<BaseEnv>()
    .post('/sign-in', sameOriginOnly, jsonBody(signInBody), async (c) => {
      const { email, password } = c.req.valid('json');
      const result = await signIn(db, email, password, c.get('client'));
      if (!result.ok && result.code === 'rate_limited') {
        const retryAfter = String(result.details.retryAfterSeconds);
        throw new ApiError('rate_limited', result.message, undefined, { 'Retry-After': retryAfter });
      }
      if (!result.ok) throw new ApiError(result.code, result.message);
      return c.json(started(c, result.session), 200);
    })
    .post('/accept-invite', sameOriginOnly, jsonBody(acceptInviteBody), async (c) => {
      const { token, password } = c.req.valid('json');
      const result = await acceptInvite(db, token, password);
      if (!result.ok) throw new ApiError(result.code === 'already_staff' ? 'conflict' : result.code, result.message);
      return c.json(started(c, result.session), 200);
    })
    .get('/session', sessionAuth(db), (c) => c.json(signedInJson(c.get('session')), 200))
    .post('/sign-out', sessionAuth(db), async (c) => {
      await closeSession(db, c.get('session').sessionId);
      clearSessionCookie(c);
      return c.body(null, 204);
    });
}
