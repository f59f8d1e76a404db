/**
 * `GET /v1/outbox`: messages captured because a channel has no credentials, newest first
 * (emails as captured, pushes from their delivery rows: `outbox-page.ts`). Each names its
 * customer (from the message's own record of whom it was for) and the voucher code it carried; `q` finds messages by the customer's name or email, or by the
 * address, subject or text of the message.
 */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { page, pageQuery } from './pagination';
import { capturedPage, payloadId } from './outbox-page';
import { query } from './validate';
import { iso } from './iso';

const outboxQuery = pageQuery.extend({
  channel: z.enum(['push', 'email']).optional(),
  q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
});

/** `%`, `_` and `\` taken literally in an ILIKE pattern. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Mounted at `/v1/outbox`. */
export function outboxRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>().use(merchantAuth(db)).get('/', query(outboxQuery), async (c) => {
    const { limit, cursor, channel, q: search } = c.req.valid('query');
    const merchantId = c.get('merchantId');
    // The page first (newest first, each source by its index), then its customers and
    // vouchers: a page's 50 rows are looked up, not every captured message.
    const pageRows = capturedPage({
      merchantId,
      channel,
      cursor,
      like: search ? likePattern(search) : null,
      rows: limit + 1,
    }).as('o');
    const rows = await db
      .selectFrom(pageRows)
      // The customer must be this merchant's: a payload naming another's id finds nobody.
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('customers')
            .select(['customers.id', 'customers.name', 'customers.email'])
            .where(sql<boolean>`customers.id = ${payloadId('customerId')}`)
            .where('customers.merchant_id', '=', merchantId)
            .as('c'),
        (j) => j.onTrue(),
      )
      .selectAll('o')
      .select(['c.id as customer_id', 'c.name as customer_name', 'c.email as customer_email'])
      .select(
        sql<string | null>`coalesce(nullif(o.payload->>'voucherCode', ''), (
          select v.code from vouchers v
          where v.merchant_id = o.merchant_id and v.customer_id = c.id and v.run_id = ${payloadId('runId')}
          order by v.created_at desc limit 1))`.as('voucher_code'),
      )
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
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
          customer: m.customer_id ? { id: m.customer_id, name: m.customer_name, email: m.customer_email } : null,
          voucherCode: m.voucher_code,
        }),
        (m) => [m.created_at_key, m.id],
      ),
    );
  });
}
