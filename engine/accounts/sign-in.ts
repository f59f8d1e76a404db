/** Signing in with email and password, rate limited per address (see `sign-in-attempts.ts`). */
import { verifyPassword } from '../auth/password';
import type { Db } from '../db/database';
import { openSession, type NewSession } from './sessions';
import { beginSignInAttempt, clearSignInAttempts, pruneSignInAttempts } from './sign-in-attempts';

export type SignInResult =
  | { readonly ok: true; readonly session: NewSession }
  | { readonly ok: false; readonly reason: 'invalid_credentials' }
  | { readonly ok: false; readonly reason: 'rate_limited'; readonly retryAfterSeconds: number };

/**
 * Checked against when the email is unknown, so an unknown address costs the same scrypt as a
 * wrong password and the answer's timing does not tell which it was. Matches no password.
 */
const NO_ONES_HASH = `scrypt$${'0'.repeat(32)}$${'0'.repeat(128)}`;

/**
 * Checks the rate limit, then the password, and opens a session on success.
 *
 * @example
 * const result = await signIn(db, 'owner@cafe.example', 'correct horse');
 * if (result.ok) setCookie(result.session.token);
 */
export async function signIn(db: Db, email: string, password: string): Promise<SignInResult> {
  const address = email.trim().toLowerCase();
  const attempt = await beginSignInAttempt(db, address);
  if (!attempt.allowed) return { ok: false, reason: 'rate_limited', retryAfterSeconds: attempt.retryAfterSeconds };
  const staff = await db
    .selectFrom('staff')
    .select(['id', 'password_hash'])
    .where('email', '=', address)
    .executeTakeFirst();
  const valid = await verifyPassword(password, staff?.password_hash ?? NO_ONES_HASH);
  if (!staff || !valid) {
    await pruneSignInAttempts(db);
    return { ok: false, reason: 'invalid_credentials' };
  }
  await clearSignInAttempts(db, address);
  return { ok: true, session: await openSession(db, staff.id) };
}
