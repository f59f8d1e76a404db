/**
 * `GET /v1/customers/:id/consent` → `{state, items: [{state, source, at}]}` (newest first),
 * `POST /v1/customers/:id/consent` `{state: 'granted' | 'withdrawn'}`: the merchant records
 * consent the customer gave or withdrew (at the till, on a form), source `api`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { changeConsent, consentHistory } from '../../engine/customers/consent';
import type { Db } from '../../engine/db/database';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { notFound } from './errors';
import { iso } from './iso';
import { jsonBody, pathId } from './validate';

const change = z.strictObject({ state: z.enum(['granted', 'withdrawn'], 'must be "granted" or "withdrawn"') });

/** Mounted at `/v1/customers`. */
export function customerConsentRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .get('/:id/consent', merchantAuth(db), async (c) => {
      const id = pathId(c.req.param('id'), 'Customer');
      return c.json(await consentJson(db, c.get('merchantId'), id));
    })
    .post('/:id/consent', merchantAuth(db), jsonBody(change), async (c) => {
      const id = pathId(c.req.param('id'), 'Customer');
      // Changes only the merchant's own customer; another merchant's is then a 404 below.
      await changeConsent(db, c.get('merchantId'), [id], { state: c.req.valid('json').state, source: 'api' });
      return c.json(await consentJson(db, c.get('merchantId'), id));
    });
}

/** The customer's consent now (`granted`, `withdrawn`, or `unsubscribed` when they opted out) and its history. */
async function consentJson(db: Db, merchantId: string, customerId: string) {
  const customer = await db
    .selectFrom('customers')
    .select(['email_consent', 'unsubscribed_at'])
    .where('id', '=', customerId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!customer) throw notFound('Customer');
  const items = await consentHistory(db, merchantId, customerId);
  const state = customer.email_consent ? 'granted' : customer.unsubscribed_at ? 'unsubscribed' : 'withdrawn';
  return { state, items: items.map((i) => ({ state: i.state, source: i.source, at: iso(i.at) })) };
}
