/** Signing in with email and password, throttled per address and client (see `sign-in-attempts.ts`). */
import { hashPassword, needsRehash, UNMATCHABLE_HASH, verifyPassword } from '../auth/password';
import type { Db } from '../db/database';
import { fail, type Failure } from '../result';
import { openSession, type NewSession } from './sessions';
import { beginSignInAttempt, clearSignInAttempts, pruneSignInAttempts } from './sign-in-attempts';

export type SignInResult =
  | { readonly ok: true; readonly session: NewSession }
  | Failure<'invalid_credentials'>
  | Failure<'rate_limited', { readonly retryAfterSeconds: number }>;

/**
 * Checks the rate limit, then the password, and opens a session on success.
 *
 * @example
 * const result = await signIn(db, 'owner@cafe.example', 'correct horse', '203.0.113.7');
 * if (result.ok) setCookie(result.session.token);
 */
export async function signIn(db: Db, email: string, password: string, client: string): Promise<SignInResult> {
  const address = email.trim().toLowerCase();
  const attempt = await beginSignInAttempt(db, address, client);
  if (!attempt.allowed) {
    const { retryAfterSeconds } = attempt;
    return fail('rate_limited', `Too many failed sign-ins: try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
  const staff = await db
    .selectFrom('staff')
    .select(['id', 'password_hash'])
    .where('email', '=', address)
    .executeTakeFirst();
  const valid = await verifyPassword(password, staff?.password_hash ?? UNMATCHABLE_HASH);
  if (!staff || !valid) {
    await pruneSignInAttempts(db);
    return fail('invalid_credentials', 'Wrong email or password');
  }
  await clearSignInAttempts(db, address, client);
  // A hash made with an older, cheaper cost is upgraded while the password is at hand.
  if (needsRehash(staff.password_hash)) {
    await db.updateTable('staff').set({ password_hash: await hashPassword(password) }).where('id', '=', staff.id).execute();
  }
  return { ok: true, session: await openSession(db, staff.id) };
}
