/** `GET /v1/merchant/settings`, `PUT /v1/merchant/settings`: the key's merchant's messaging rules. */
import { Hono } from 'hono';
import { z } from 'zod';
import { timeOfDay } from '../flow/schema-helpers';
import { loadMessagingRules, saveMessagingRules, type MessagingRules } from '../merchants/messaging-rules';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { jsonBody } from './validate';

const cap = z
  .number({ error: 'must be a whole number from 0 to 1000, or null for no cap' })
  .int('must be a whole number from 0 to 1000, or null for no cap')
  .min(0, 'must be a whole number from 0 to 1000, or null for no cap')
  .max(1000, 'must be a whole number from 0 to 1000, or null for no cap')
  .nullable();

/**
 * Every key optional: one left out keeps its stored value, null clears it. Strict, so a
 * misspelt key is a 400 rather than a silent no-op.
 */
const settingsBody = z.strictObject({
  frequencyCap: z.strictObject({ push: cap.optional(), email: cap.optional() }).nullable().optional(),
  quietHours: z
    .strictObject({ start: timeOfDay, end: timeOfDay })
    .refine((q) => q.start !== q.end, { error: 'must differ from start', path: ['end'] })
    .nullable()
    .optional(),
});

function settingsJson(rules: MessagingRules) {
  return {
    frequencyCap: { push: rules.pushCap, email: rules.emailCap },
    quietHours: rules.quietHours,
    timezone: rules.timezone,
  };
}

/** Mounted at `/v1/merchant` (singular: the merchant the API key belongs to). */
export function merchantSettingsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .get('/settings', async (c) => c.json(settingsJson(await loadMessagingRules(db, c.get('merchantId')))))
    .put('/settings', jsonBody(settingsBody), async (c) => {
      const { frequencyCap, quietHours } = c.req.valid('json');
      // frequencyCap: null clears both caps; an object changes only the channels it names.
      const caps =
        frequencyCap === null
          ? { pushCap: null, emailCap: null }
          : {
              ...(frequencyCap?.push !== undefined ? { pushCap: frequencyCap.push } : {}),
              ...(frequencyCap?.email !== undefined ? { emailCap: frequencyCap.email } : {}),
            };
      const rules = await saveMessagingRules(db, c.get('merchantId'), {
        ...caps,
        ...(quietHours !== undefined ? { quietHours } : {}),
      });
      return c.json(settingsJson(rules));
    });
}
