/**
 * One run's deliveries, filtered by customer, status, channel and node, in (seq, node_id,
 * channel) order: the order in which the run processed them, and unique within a run.
 * Each names its customer, so the inspector reads "Ada <ada@example.com>", not an id.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../engine/db/database';
import { decodeCursor, page, pageQuery } from './pagination';
import { uuid } from './validate';
import { iso } from './iso';
import { likePattern } from './outbox.routes';

/** The outbox message a delivery was captured as (`outbox:<id>`), when it was. */
const OUTBOX_ID = sql<string | null>`case when d.provider_message_id ~ '^outbox:[0-9a-f-]{36}$'
  then substr(d.provider_message_id, 8)::uuid end`;

export const DELIVERY_STATUSES = [
  'sending',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'failed',
  'suppressed',
  'skipped',
] as const;

export const deliveriesQuery = pageQuery.extend({
  customerId: uuid().optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  channel: z.enum(['push', 'email']).optional(),
  nodeId: z.string().min(1).max(100).optional(),
  /** Part of the customer's name or email. */
  q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
});

export type DeliveriesQuery = z.output<typeof deliveriesQuery>;

/** A page of the run's deliveries. The caller has checked the run is the merchant's. */
export async function listDeliveries(db: Db, runId: string, filter: DeliveriesQuery) {
  let q = db
    .selectFrom('deliveries as d')
    .innerJoin('runs as r', 'r.id', 'd.run_id')
    .leftJoin('customers as c', 'c.id', 'd.customer_id')
    // The subject as sent: the ledger's, or (rows written before it kept one) the outbox copy's.
    .leftJoin('outbox as o', (j) => j.on(sql<boolean>`o.id = ${OUTBOX_ID}`).onRef('o.merchant_id', '=', 'r.merchant_id'))
    .select([
      'd.customer_id',
      'd.node_id',
      'd.channel',
      'd.status',
      'd.reason',
      'd.provider_message_id',
      'd.attempts',
      'd.devices',
      'd.event_at',
      'd.event_detail',
      'd.opened_at',
      'd.clicked_at',
      'd.updated_at',
      'd.seq',
      'c.name as customer_name',
      'c.email as customer_email',
      'd.held_until',
      sql<string | null>`coalesce(d.subject, o.subject)`.as('subject'),
    ])
    .where('d.run_id', '=', runId);
  if (filter.customerId) q = q.where('d.customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('d.status', '=', filter.status);
  if (filter.channel) q = q.where('d.channel', '=', filter.channel);
  if (filter.nodeId) q = q.where('d.node_id', '=', filter.nodeId);
  if (filter.q) {
    const like = likePattern(filter.q);
    q = q.where(sql<boolean>`(c.name ilike ${like} or c.email ilike ${like})`);
  }
  if (filter.cursor) {
    const [seq, nodeId, channel] = decodeCursor(filter.cursor, ['int', 'text', 'text']);
    q = q.where(sql<boolean>`(d.seq, d.node_id, d.channel) > (${seq}::int, ${nodeId}::text, ${channel}::text)`);
  }
  const rows = await q
    .orderBy('d.seq')
    .orderBy('d.node_id')
    .orderBy('d.channel')
    .limit(filter.limit + 1)
    .execute();
  return page(
    rows,
    filter.limit,
    (d) => ({
      customerId: d.customer_id,
      customerName: d.customer_name,
      customerEmail: d.customer_email,
      nodeId: d.node_id,
      channel: d.channel,
      ...(d.subject !== null ? { subject: d.subject } : {}),
      status: d.status,
      // Quiet hours held the message until then (it went out after).
      ...(d.held_until !== null ? { heldUntil: iso(d.held_until) } : {}),
      ...(d.reason !== null ? { reason: d.reason } : {}),
      ...(d.provider_message_id !== null ? { providerMessageId: d.provider_message_id } : {}),
      attempts: d.attempts,
      // Push deliveries: each wallet device with its provider's answer.
      ...(d.devices !== null ? { devices: d.devices } : {}),
      // Email: what the provider reported after accepting it (delivered, bounced, complained).
      ...(d.event_at !== null ? { providerEvent: { at: iso(d.event_at), description: d.event_detail } } : {}),
      ...(d.opened_at !== null ? { openedAt: iso(d.opened_at) } : {}),
      ...(d.clicked_at !== null ? { clickedAt: iso(d.clicked_at) } : {}),
      at: iso(d.updated_at),
    }),
    (d) => [d.seq, d.node_id, d.channel],
  );
}
