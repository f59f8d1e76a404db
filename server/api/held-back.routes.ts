/**
 * `GET /v1/held-back`: what the messaging rules held back per flow and campaign (a
 * campaign is a flow) over the last `days` days, from the delivery ledger. `flowId` narrows
 * it to one flow of the merchant's; another merchant's flow is a 404.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { heldBackByFlow } from '../../engine/deliveries/held-back';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { notFound } from './errors';
import { query, uuid } from './validate';

const heldBackQuery = z.object({
  flowId: uuid().optional(),
  days: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days from 1 to 366')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be from 1 to 366').max(366, 'must be from 1 to 366'))
    .default(30),
});

/** Mounted at `/v1/held-back`. */
export function heldBackRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>().use(merchantAuth(db)).get('/', query(heldBackQuery), async (c) => {
    const { flowId, days } = c.req.valid('query');
    const merchantId = c.get('merchantId');
    if (flowId) {
      const flow = await db
        .selectFrom('flows')
        .select('id')
        .where('id', '=', flowId)
        .where('merchant_id', '=', merchantId)
        .executeTakeFirst();
      if (!flow) throw notFound('Flow');
    }
    const since = new Date(Date.now() - days * 86_400_000);
    const flows = await heldBackByFlow(db, merchantId, since, flowId);
    return c.json({ since: since.toISOString(), days, flows });
  });
}
