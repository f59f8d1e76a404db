/**
 * Rate limiting of sign-ins per email address, in the database so that every API process
 * counts the same attempts: at most {@link MAX_FAILED_SIGN_INS} failures per
 * {@link SIGN_IN_WINDOW_MS}. An attempt is recorded *before* its password is checked, so a
 * burst of concurrent guesses cannot all pass the check before any of them is counted.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

export const MAX_FAILED_SIGN_INS = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

const WINDOW_SECONDS = SIGN_IN_WINDOW_MS / 1000;

export type SignInAttempt =
  { readonly allowed: true; readonly id: string } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Records an attempt for `email` (lower-cased) and says whether it may go on. A refused
 * attempt is not kept, so hammering a locked address does not extend the lock; an allowed
 * one counts as a failure until {@link clearSignInAttempts} runs after a success.
 */
export async function beginSignInAttempt(db: Db, email: string): Promise<SignInAttempt> {
  const { id } = await db.insertInto('sign_in_attempts').values({ email }).returning('id').executeTakeFirstOrThrow();
  // The MAX-th most recent other attempt in the window: while it exists, this one is one too many.
  const blocking = await db
    .selectFrom('sign_in_attempts')
    .select(
      sql<number>`ceil(extract(epoch from at + make_interval(secs => ${WINDOW_SECONDS}) - now()))::int`.as(
        'retryAfter',
      ),
    )
    .where('email', '=', email)
    .where('id', '<>', id)
    .where('at', '>', sql<Date>`now() - make_interval(secs => ${WINDOW_SECONDS})`)
    .orderBy('at', 'desc')
    .limit(1)
    .offset(MAX_FAILED_SIGN_INS - 1)
    .executeTakeFirst();
  if (!blocking) return { allowed: true, id };
  await db.deleteFrom('sign_in_attempts').where('id', '=', id).execute();
  return { allowed: false, retryAfterSeconds: Math.max(1, blocking.retryAfter) };
}

/** A success: the address starts afresh. */
export async function clearSignInAttempts(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('email', '=', email).execute();
}

/** Deletes attempts that no longer count (run after failures, which are rare). */
export async function pruneSignInAttempts(db: Db): Promise<void> {
  await db
    .deleteFrom('sign_in_attempts')
    .where('at', '<=', sql<Date>`now() - make_interval(secs => ${WINDOW_SECONDS})`)
    .execute();
}
