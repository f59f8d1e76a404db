/**
 * One run's deliveries, filtered by customer and status, in (seq, node_id, channel)
 * order: the order in which the run processed them, and unique within a run.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database';
import { decodeCursor, page, pageQuery } from './pagination';
import { uuid } from './validate';
import { iso } from './iso';

export const DELIVERY_STATUSES = ['sending', 'sent', 'failed', 'suppressed', 'skipped'] as const;

export const deliveriesQuery = pageQuery.extend({
  customerId: uuid().optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
});

export type DeliveriesQuery = z.output<typeof deliveriesQuery>;

/** A page of the run's deliveries. The caller has checked the run is the merchant's. */
export async function listDeliveries(db: Db, runId: string, filter: DeliveriesQuery) {
  let q = db
    .selectFrom('deliveries')
    .select([
      'customer_id',
      'node_id',
      'channel',
      'status',
      'reason',
      'provider_message_id',
      'attempts',
      'updated_at',
      'seq',
    ])
    .where('run_id', '=', runId);
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.cursor) {
    const [seq, nodeId, channel] = decodeCursor(filter.cursor, ['int', 'text', 'text']);
    q = q.where(sql<boolean>`(seq, node_id, channel) > (${seq}::int, ${nodeId}::text, ${channel}::text)`);
  }
  const rows = await q
    .orderBy('seq')
    .orderBy('node_id')
    .orderBy('channel')
    .limit(filter.limit + 1)
    .execute();
  return page(
    rows,
    filter.limit,
    (d) => ({
      customerId: d.customer_id,
      nodeId: d.node_id,
      channel: d.channel,
      status: d.status,
      ...(d.reason !== null ? { reason: d.reason } : {}),
      ...(d.provider_message_id !== null ? { providerMessageId: d.provider_message_id } : {}),
      attempts: d.attempts,
      at: iso(d.updated_at),
    }),
    (d) => [d.seq, d.node_id, d.channel],
  );
}
