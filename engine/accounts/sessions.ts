/**
 * Staff sessions: the editor's cookie holds a random token, the `sessions` row only its
 * sha256, so reading the table signs no one in. A session lasts {@link SESSION_TTL_MS} from
 * sign-in; it carries the CSRF token the editor echoes in `X-CSRF-Token`.
 */
import { sql } from 'kysely';
import { hashToken, newToken } from '../auth/token';
import type { Db } from '../db/database';
import type { StaffRole } from '../db/schema';

export const SESSION_TTL_MS = 14 * 86_400_000;

/** Who is signed in, for which merchant, and the CSRF token of the session. */
export interface SignedIn {
  readonly staff: { readonly id: string; readonly email: string; readonly role: StaffRole };
  readonly merchant: { readonly id: string; readonly name: string; readonly timezone: string };
  readonly csrfToken: string;
}

/** A session just opened: the token goes into the cookie and is not stored. */
export interface NewSession extends SignedIn {
  readonly token: string;
  readonly expiresAt: Date;
}

/** A session found by its token. */
export interface ActiveSession extends SignedIn {
  readonly sessionId: string;
}

/** Opens a session for a staff member (who must exist) and drops their expired ones. */
export async function openSession(db: Db, staffId: string): Promise<NewSession> {
  const account = await db
    .selectFrom('staff')
    .innerJoin('merchants', 'merchants.id', 'staff.merchant_id')
    .select(['staff.email', 'staff.role', 'merchants.id as merchantId', 'merchants.name', 'merchants.timezone'])
    .where('staff.id', '=', staffId)
    .executeTakeFirstOrThrow();
  await db
    .deleteFrom('sessions')
    .where('staff_id', '=', staffId)
    .where('expires_at', '<=', sql<Date>`now()`)
    .execute();
  const token = newToken();
  const csrfToken = newToken();
  const { expires_at } = await db
    .insertInto('sessions')
    .values({
      id: hashToken(token),
      staff_id: staffId,
      merchant_id: account.merchantId,
      csrf_token: csrfToken,
      expires_at: sql<Date>`now() + make_interval(secs => ${SESSION_TTL_MS / 1000})`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return {
    token,
    expiresAt: expires_at,
    csrfToken,
    staff: { id: staffId, email: account.email, role: account.role },
    merchant: { id: account.merchantId, name: account.name, timezone: account.timezone },
  };
}

/** The unexpired session of a cookie token, else undefined. Notes activity at most once a minute. */
export async function findSession(db: Db, token: string): Promise<ActiveSession | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('staff', 'staff.id', 's.staff_id')
    .innerJoin('merchants', 'merchants.id', 's.merchant_id')
    .select([
      's.id',
      's.csrf_token',
      'staff.id as staffId',
      'staff.email',
      'staff.role',
      'merchants.id as merchantId',
      'merchants.name',
      'merchants.timezone',
      sql<boolean>`s.last_seen_at < now() - interval '1 minute'`.as('stale'),
    ])
    .where('s.id', '=', hashToken(token))
    .where('s.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.stale)
    await db
      .updateTable('sessions')
      .set({ last_seen_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute();
  return {
    sessionId: row.id,
    csrfToken: row.csrf_token,
    staff: { id: row.staffId, email: row.email, role: row.role },
    merchant: { id: row.merchantId, name: row.name, timezone: row.timezone },
  };
}

/** Ends a session (signing out). */
export async function closeSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}
