/** `GET /v1/outbox`: messages captured because a channel has no credentials, newest first. */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { createdAfter, page, pageQuery } from './pagination';
import { query } from './validate';
import { iso } from './iso';

const outboxQuery = pageQuery.extend({ channel: z.enum(['push', 'email']).optional() });

/** Mounted at `/v1/outbox`. */
export function outboxRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>().use(merchantAuth(db)).get('/', query(outboxQuery), async (c) => {
    const { limit, cursor, channel } = c.req.valid('query');
    let q = db
      .selectFrom('outbox')
      .selectAll()
      .select(sql<string>`created_at::text`.as('created_at_key'))
      .where('merchant_id', '=', c.get('merchantId'));
    if (channel) q = q.where('channel', '=', channel);
    if (cursor) q = q.where(createdAfter(cursor, 'desc'));
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return c.json(
      page(
        rows,
        limit,
        (m) => ({
          id: m.id,
          channel: m.channel,
          recipient: m.recipient,
          subject: m.subject,
          body: m.body,
          payload: m.payload,
          createdAt: iso(m.created_at),
        }),
        (m) => [m.created_at_key, m.id],
      ),
    );
  });
}
