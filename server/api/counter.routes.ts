/**
 * `GET /v1/counter/customers/:code`: the customer behind a pass code, as the counter screen
 * shows them (name, stamps, reward ready, active vouchers, last visit, the stamp that can
 * still be undone). The counter's actions are the ordinary `POST /v1/events` (with a
 * client id per tap), `POST /v1/events/:id/undo` and `POST /v1/vouchers/:code/redeem`.
 */
import { Hono } from 'hono';
import { counterCard } from '../../engine/customers/counter-card';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError } from './errors';
import { iso, isoOrNull } from './iso';

/** Mounted at `/v1/counter`. */
export function counterRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>().use(merchantAuth(db)).get('/customers/:code', async (c) => {
    const found = await counterCard(db, c.get('merchantId'), c.req.param('code'));
    if (!found.ok) throw new ApiError(found.code, found.message);
    const { card } = found;
    return c.json({
      ...card,
      lastVisitAt: isoOrNull(card.lastVisitAt),
      vouchers: card.vouchers.map((v) => ({ ...v, expiresAt: iso(v.expiresAt) })),
      undoableStamp: card.undoableStamp ? { eventId: card.undoableStamp.eventId, at: iso(card.undoableStamp.at) } : null,
    });
  });
}
