/** `/v1/staff`: the merchant's staff and pending invites; inviting and removing need an owner. */
import { Hono } from 'hono';
import { z } from 'zod';
import { inviteStaff, pendingInvites, type Invite } from '../../engine/accounts/invites';
import { listStaff, removeStaff, type StaffMember } from '../../engine/accounts/staff';
import { merchantAuth, requireOwner } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { emailAddress } from '../../engine/fields';
import { iso } from './iso';
import { jsonBody, pathId } from './validate';

const inviteBody = z.object({
  email: emailAddress(),
  role: z.enum(['owner', 'staff']).default('staff'),
});

const memberJson = (m: StaffMember) => ({ id: m.id, email: m.email, role: m.role, createdAt: iso(m.createdAt) });

const inviteJson = (i: Invite) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  createdAt: iso(i.createdAt),
  expiresAt: iso(i.expiresAt),
});

/** Mounted at `/v1/staff`. */
export function staffRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .get('/', async (c) => {
      const merchantId = c.get('merchantId');
      const [members, invites] = await Promise.all([listStaff(db, merchantId), pendingInvites(db, merchantId)]);
      return c.json({ items: members.map(memberJson), invites: invites.map(inviteJson) }, 200);
    })
    .post('/invites', requireOwner, jsonBody(inviteBody), async (c) => {
      const { email, role } = c.req.valid('json');
      const actor = c.get('actor');
      const result = await inviteStaff(db, {
        merchantId: c.get('merchantId'),
        email,
        role,
        invitedBy: actor.kind === 'staff' ? actor.staffId : null,
      });
      const { id, expiresAt } = result.invite;
      // Relative: the editor is served by this server, whatever host the owner reached it on.
      return c.json({ id, email, role, expiresAt: iso(expiresAt), inviteUrl: `/invite/${result.token}` }, 201);
    })
    .delete('/:id', requireOwner, async (c) => {
      const id = pathId(c.req.param('id'), 'Staff member');
      const result = await removeStaff(db, c.get('merchantId'), id);
      if (!result.ok && result.code === 'last_owner') throw new ApiError('conflict', result.message);
      if (!result.ok) throw notFound('Staff member');
      return c.body(null, 204);
    });
}
