/** `POST /v1/merchants` (admin token): creates a merchant and answers its API key, once. */
import { Hono } from 'hono';
import { z } from 'zod';
import { hashPassword } from '../../engine/auth/password';
import { createMerchant } from '../../engine/merchants/create-merchant';
import { adminAuth } from './auth';
import type { AppDeps } from './deps';
import type { BaseEnv } from './env';
import { ApiError } from './errors';
import { emailAddress, isTimeZone } from '../../engine/fields';
import { isUniqueViolation } from './sql-errors';
import { jsonBody } from './validate';
import { messagingRulesBody, rulesChange } from './messaging-rules-body';
import { DEFAULT_MESSAGING_RULES } from '../../engine/merchants/messaging-rules';

const createMerchantBody = z.object({
  name: z.string().trim().min(1).max(200),
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
  emailFrom: emailAddress().optional(),
  owner: z
    .object({ email: emailAddress(), password: z.string().min(8, 'must be at least 8 characters').max(1000) })
    .optional(),
  /** Left out: the café defaults (`DEFAULT_MESSAGING_RULES`); a key left out inside keeps its default. */
  messagingRules: messagingRulesBody.optional(),
});

/** Mounted at `/v1/merchants`; guarded by the admin token, not an API key. */
export function merchantsRoutes(deps: AppDeps) {
  return new Hono<BaseEnv>().post('/', adminAuth(deps.adminToken), jsonBody(createMerchantBody), async (c) => {
    const input = c.req.valid('json');
    const owner = input.owner
      ? { email: input.owner.email, passwordHash: await hashPassword(input.owner.password) }
      : undefined;
    try {
      const created = await deps.db
        .transaction()
        .execute((trx) =>
          createMerchant(trx, {
            name: input.name,
            timezone: input.timezone,
            emailFrom: input.emailFrom ?? null,
            owner,
            messagingRules: { ...DEFAULT_MESSAGING_RULES, ...(input.messagingRules ? rulesChange(input.messagingRules) : {}) },
          }),
        );
      return c.json({ id: created.merchantId, apiKey: created.apiKey }, 201);
    } catch (err) {
      if (isUniqueViolation(err, 'staff_email_key')) {
        throw new ApiError('conflict', `A staff member with email ${input.owner?.email} already exists`);
      }
      throw err;
    }
  });
}
