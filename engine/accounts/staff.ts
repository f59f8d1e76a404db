/** A merchant's staff members: listing and removal (never of the last owner). */
import type { Db } from '../db/database';
import type { StaffRole } from '../db/schema';
import { fail, type Result } from '../result';

export interface StaffMember {
  readonly id: string;
  readonly email: string;
  readonly role: StaffRole;
  readonly createdAt: Date;
}

export type RemoveStaffResult = Result<object, 'not_found' | 'last_owner'>;

/** The merchant's staff, oldest first. */
export async function listStaff(db: Db, merchantId: string): Promise<StaffMember[]> {
  const rows = await db
    .selectFrom('staff')
    .select(['id', 'email', 'role', 'created_at'])
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at }));
}

/**
 * Removes a staff member and their sessions. The merchant's owners are locked first, so two
 * owners removing each other at once cannot leave the merchant without one.
 */
export async function removeStaff(db: Db, merchantId: string, staffId: string): Promise<RemoveStaffResult> {
  return db.transaction().execute(async (trx): Promise<RemoveStaffResult> => {
    const owners = await trx
      .selectFrom('staff')
      .select('id')
      .where('merchant_id', '=', merchantId)
      .where('role', '=', 'owner')
      .forUpdate()
      .execute();
    const target = await trx
      .selectFrom('staff')
      .select('role')
      .where('id', '=', staffId)
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    if (!target) return fail('not_found', 'Staff member not found');
    if (target.role === 'owner' && owners.length <= 1) return fail('last_owner', 'The last owner cannot be removed: make someone else an owner first');
    await trx.deleteFrom('sessions').where('staff_id', '=', staffId).execute();
    await trx.deleteFrom('staff').where('id', '=', staffId).execute();
    return { ok: true };
  });
}
