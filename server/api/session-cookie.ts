/**
 * The editor's session cookie `sf_session`: HttpOnly (scripts cannot read it), SameSite=Lax
 * (other sites' forms and fetches do not carry it on POST), Secure behind https (as
 * `client-info.ts` decides it: the public URL, or a trusted proxy, never a client's header).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { SESSION_TTL_MS } from '../../engine/accounts/sessions';

export const SESSION_COOKIE = 'sf_session';

function options(c: Context): CookieOptions {
  return { httpOnly: true, sameSite: 'Lax', path: '/', secure: (c.get('https') as boolean | undefined) === true };
}

/** Sets the cookie for 14 days (the session's lifetime). */
export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { ...options(c), maxAge: SESSION_TTL_MS / 1000 });
}

/** Tells the browser to forget the cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, options(c));
}

/** The session token the request carries, or undefined. */
export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/**
 * True when an `Origin` header names another host than the request's `Host`: a page of
 * another site posting a sign-in form (login CSRF). Requests without `Origin` (curl, same-origin
 * GETs) pass.
 */
export function isCrossOrigin(c: Context): boolean {
  const origin = c.req.header('Origin');
  if (origin === undefined) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return true; // "null" (sandboxed frames, some redirects) and garbage
  }
  const host = c.req.header('Host') ?? new URL(c.req.url).host;
  return originHost.toLowerCase() !== host.toLowerCase();
}
