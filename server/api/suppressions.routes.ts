/**
 * `GET /v1/suppressions`, `DELETE /v1/suppressions/:email`: the merchant's own do-not-mail
 * list (never another merchant's). Lifting a suppression needs a reason, which is kept.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { listSuppressions, removeSuppression } from '../../engine/deliveries/suppressions';
import { actorLabel } from './actor';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { notFound } from './errors';
import { iso } from './iso';
import { decodeCursor, encodeCursor, pageQuery } from './pagination';
import { jsonBody, query } from './validate';

const removal = z.strictObject({ reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(500) });

/** Mounted at `/v1/suppressions`. */
export function suppressionsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .get('/', query(pageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const before = cursor ? decodeCursor(cursor, ['timestamp', 'text']) : undefined;
      const rows = await listSuppressions(
        db,
        c.get('merchantId'),
        limit,
        before ? { at: String(before[0]), email: String(before[1]) } : undefined,
      );
      const items = rows
        .slice(0, limit)
        .map((r) => ({ email: r.email, reason: r.reason, description: r.description, createdAt: iso(r.created_at) }));
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return c.json({ items, ...(last ? { nextCursor: encodeCursor([last.at_key, last.email]) } : {}) });
    })
    .delete('/:email', jsonBody(removal), async (c) => {
      // Hono has decoded the path parameter already; decoding again broke on `%25zz`.
      const email = c.req.param('email');
      const removed = await removeSuppression(
        db,
        c.get('merchantId'),
        email,
        c.req.valid('json').reason,
        actorLabel(c),
      );
      if (!removed) throw notFound('Suppression');
      return c.json({ email, removed: true as const });
    });
}
