/**
 * The vouchers a run issued, step by step: each code with its customer, in the order the
 * run issued them, filtered by step or by part of the customer's name or email.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../engine/db/database';
import { createdAfter, page, pageQuery } from './pagination';
import { iso, isoOrNull } from './iso';
import { likePattern } from './outbox.routes';

export const runVouchersQuery = pageQuery.extend({
  nodeId: z.string().min(1).max(100).optional(),
  q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
});

export type RunVouchersQuery = z.output<typeof runVouchersQuery>;

/** A page of the run's vouchers. The caller has checked the run is the merchant's. */
export async function listRunVouchers(db: Db, merchantId: string, runId: string, filter: RunVouchersQuery) {
  let q = db
    .selectFrom('vouchers as v')
    .leftJoin('customers as c', 'c.id', 'v.customer_id')
    .select(['v.id', 'v.code', 'v.title', 'v.node_id', 'v.customer_id', 'v.expires_at', 'v.redeemed_at', 'v.created_at'])
    .select(['c.name as customer_name', 'c.email as customer_email'])
    .select(sql<string>`v.created_at::text`.as('created_at_key'))
    .where('v.run_id', '=', runId)
    .where('v.merchant_id', '=', merchantId);
  if (filter.nodeId) q = q.where('v.node_id', '=', filter.nodeId);
  if (filter.q) {
    const like = likePattern(filter.q);
    q = q.where(sql<boolean>`(c.name ilike ${like} or c.email ilike ${like} or v.code ilike ${like})`);
  }
  if (filter.cursor) q = q.where(createdAfter(filter.cursor, 'asc', 'v'));
  const rows = await q
    .orderBy('v.created_at')
    .orderBy('v.id')
    .limit(filter.limit + 1)
    .execute();
  return page(
    rows,
    filter.limit,
    (v) => ({
      code: v.code,
      title: v.title,
      nodeId: v.node_id,
      customerId: v.customer_id,
      customerName: v.customer_name,
      customerEmail: v.customer_email,
      expiresAt: iso(v.expires_at),
      redeemedAt: isoOrNull(v.redeemed_at),
      issuedAt: iso(v.created_at),
    }),
    (v) => [v.created_at_key, v.id],
  );
}
