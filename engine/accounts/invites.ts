/**
 * Staff invites: an owner invites an address with a role; the link (`/invite/<token>`) is
 * shown once to the owner and holds the token, the row only its sha256. Accepting creates
 * the staff member and signs them in. An invite lasts {@link INVITE_TTL_MS} and is used once.
 */
import { sql } from 'kysely';
import { hashPassword } from '../auth/password';
import { hashToken, newToken } from '../auth/token';
import type { Db } from '../db/database';
import type { StaffRole } from '../db/schema';
import { fail, type Failure } from '../result';
import { openSession, type NewSession } from './sessions';

export const INVITE_TTL_MS = 7 * 86_400_000;

const INVALID_INVITE = 'This invite is unknown, expired or already used';

export interface Invite {
  readonly id: string;
  readonly email: string;
  readonly role: StaffRole;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface InviteResult {
  readonly invite: Invite;
  readonly token: string;
}

export type AcceptInviteResult =
  | { readonly ok: true; readonly session: NewSession }
  | Failure<'invalid_invite' | 'already_staff'>;

/**
 * Invites `email` (lower-cased) to the merchant's staff. A new invite replaces the address's
 * pending one. The answer is the same whatever the address, so an owner cannot probe which
 * addresses are staff at other merchants; an invite to an address that already signs in
 * somewhere fails when it is accepted (emails sign in without naming a merchant).
 */
export async function inviteStaff(
  db: Db,
  input: {
    readonly merchantId: string;
    readonly email: string;
    readonly role: StaffRole;
    readonly invitedBy: string | null;
  },
): Promise<InviteResult> {
  const token = newToken();
  const row = await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('staff_invites')
      .where('merchant_id', '=', input.merchantId)
      .where('email', '=', input.email)
      .where('accepted_at', 'is', null)
      .execute();
    return trx
      .insertInto('staff_invites')
      .values({
        merchant_id: input.merchantId,
        email: input.email,
        role: input.role,
        token_hash: hashToken(token),
        invited_by: input.invitedBy,
        expires_at: sql<Date>`now() + make_interval(secs => ${INVITE_TTL_MS / 1000})`,
      })
      .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
      .executeTakeFirstOrThrow();
  });
  return {
    token,
    invite: { id: row.id, email: row.email, role: row.role, createdAt: row.created_at, expiresAt: row.expires_at },
  };
}

/** The merchant's invites not yet accepted nor expired, oldest first. */
export async function pendingInvites(db: Db, merchantId: string): Promise<Invite[]> {
  const rows = await db
    .selectFrom('staff_invites')
    .select(['id', 'email', 'role', 'created_at', 'expires_at'])
    .where('merchant_id', '=', merchantId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  }));
}

class AddressTaken extends Error {}

/**
 * Accepts an invite: creates the staff member with `password`, marks the invite used and
 * opens a session. Unknown, expired and used tokens are all `invalid_invite`.
 */
export async function acceptInvite(db: Db, token: string, password: string): Promise<AcceptInviteResult> {
  const tokenHash = hashToken(token);
  const usable = (trx: Db) =>
    trx
      .selectFrom('staff_invites')
      .select('id')
      .where('token_hash', '=', tokenHash)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`);
  // Checked first so that a wrong token costs no scrypt; checked again when claiming it.
  if (!(await usable(db).executeTakeFirst())) return fail('invalid_invite', INVALID_INVITE);
  const passwordHash = await hashPassword(password);
  try {
    const staffId = await db.transaction().execute(async (trx) => {
      const invite = await trx
        .updateTable('staff_invites')
        .set({ accepted_at: sql<Date>`now()` })
        .where('id', 'in', usable(trx))
        .returning(['merchant_id', 'email', 'role'])
        .executeTakeFirst();
      if (!invite) return undefined;
      const staff = await trx
        .insertInto('staff')
        .values({
          merchant_id: invite.merchant_id,
          email: invite.email,
          role: invite.role,
          password_hash: passwordHash,
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!staff) throw new AddressTaken(); // rolls the acceptance back
      return staff.id;
    });
    if (staffId === undefined) return fail('invalid_invite', INVALID_INVITE);
    return { ok: true, session: await openSession(db, staffId) };
  } catch (err) {
    if (err instanceof AddressTaken) return fail('already_staff', 'This email address already belongs to a staff member');
    throw err;
  }
}
