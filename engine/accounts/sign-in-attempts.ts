/**
 * Throttling of sign-ins, in the database so that every API process counts the same
 * attempts. Failures are counted per address *and client* together, and per client:
 *
 * - after {@link FREE_FAILURES} failures of one address from one client, each further try
 *   waits longer (30 s, 60 s, 120 s … up to {@link SIGN_IN_WINDOW_MS}) — slowed, never
 *   locked: the owner signing in from their own client is not held back by a stranger's
 *   guesses from another;
 * - one client may fail at most {@link MAX_CLIENT_FAILURES} times per window, whatever the
 *   addresses (each try costs a scrypt hash).
 *
 * An attempt is recorded *before* its password is checked, so a burst of concurrent guesses
 * cannot all pass the check before any of them is counted.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

export const FREE_FAILURES = 5;
export const MAX_CLIENT_FAILURES = 100;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
const FIRST_DELAY_SECONDS = 30;

const WINDOW_SECONDS = SIGN_IN_WINDOW_MS / 1000;

export type SignInAttempt =
  { readonly allowed: true; readonly id: string } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** The wait after `failures` failures of one address from one client, in seconds. */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(WINDOW_SECONDS, FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES));
}

/**
 * Records an attempt for `email` (lower-cased) from `client` and says whether it may go on.
 * A refused attempt is not kept, so hammering does not extend the wait; an allowed one
 * counts as a failure until {@link clearSignInAttempts} runs after a success.
 */
export async function beginSignInAttempt(db: Db, email: string, client: string): Promise<SignInAttempt> {
  const { id } = await db.insertInto('sign_in_attempts').values({ email, client }).returning('id').executeTakeFirstOrThrow();
  const inWindow = sql<boolean>`at > now() - make_interval(secs => ${WINDOW_SECONDS})`;
  const pair = await db
    .selectFrom('sign_in_attempts')
    .select([
      sql<number>`count(*)::int`.as('failures'),
      sql<number | null>`extract(epoch from now() - max(at))::float8`.as('sinceLast'),
    ])
    .where('email', '=', email)
    .where('client', '=', client)
    .where('id', '<>', id)
    .where(inWindow)
    .executeTakeFirstOrThrow();
  const pairWait = Math.ceil(delayAfter(pair.failures) - (pair.sinceLast ?? Infinity));
  // The MAX-th most recent other failure of this client in the window: while it is there, one too many.
  const clientBlock = await db
    .selectFrom('sign_in_attempts')
    .select(sql<number>`ceil(extract(epoch from at + make_interval(secs => ${WINDOW_SECONDS}) - now()))::int`.as('retryAfter'))
    .where('client', '=', client)
    .where('id', '<>', id)
    .where(inWindow)
    .orderBy('at', 'desc')
    .limit(1)
    .offset(MAX_CLIENT_FAILURES - 1)
    .executeTakeFirst();
  const wait = Math.max(pairWait, clientBlock?.retryAfter ?? 0);
  if (wait <= 0) return { allowed: true, id };
  await db.deleteFrom('sign_in_attempts').where('id', '=', id).execute();
  return { allowed: false, retryAfterSeconds: Math.max(1, wait) };
}

/** A success: the address starts afresh from this client. */
export async function clearSignInAttempts(db: Db, email: string, client: string): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('email', '=', email).where('client', '=', client).execute();
}

/** Deletes attempts that no longer count (run after failures, which are rare). */
export async function pruneSignInAttempts(db: Db): Promise<void> {
  await db
    .deleteFrom('sign_in_attempts')
    .where('at', '<=', sql<Date>`now() - make_interval(secs => ${WINDOW_SECONDS})`)
    .execute();
}
