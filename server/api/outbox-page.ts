/**
 * One page of the Outbox, newest first, from its two sources:
 *  - the `outbox` table: captured emails (the rendered message is the record) and pushes
 *    captured before migration 020 whose delivery row is gone;
 *  - the ledger: a push captured in the outbox is its delivery row (`outbox:<id>`, the voucher
 *    code it carried), shown with the pass's serial and the text of the run's push step, so
 *    the push step writes no second row per message.
 * Both come out as `outbox` rows (id, channel, recipient, subject, body, payload, created_at),
 * a push's payload `{runId, nodeId, customerId, voucherCode}` as the step used to write it.
 * Each source is cut to the page by its own index before the two are merged, and a pushed
 * page looks up its passes after the cut: 50 lookups, not one per captured push.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DeliveryChannel } from '../../engine/db/schema';
import { decodeCursor } from './pagination';

export interface CapturedRow {
  readonly id: string;
  readonly merchant_id: string;
  readonly channel: DeliveryChannel;
  readonly recipient: string;
  readonly subject: string | null;
  readonly body: string;
  readonly payload: unknown;
  readonly created_at: Date;
  /** `created_at` as Postgres text (microseconds), the cursor's key. */
  readonly created_at_key: string;
}

export interface CapturedFilter {
  readonly merchantId: string;
  readonly channel?: 'push' | 'email' | undefined;
  /** An ILIKE pattern: the customer's name or email, or the message's address, subject or text. */
  readonly like?: string | null | undefined;
  readonly cursor?: string | undefined;
  /** Rows to read (the page's limit + 1). */
  readonly rows: number;
}

const UUID_RE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** A payload field of the row `o` (pushes keep it at the top, emails in `metadata`) as a uuid, or null. */
export const payloadId = (key: string) => {
  const text = sql<string | null>`coalesce(o.payload->>${key}, o.payload->'metadata'->>${key})`;
  return sql<string | null>`(case when ${text} ~ ${UUID_RE} then (${text})::uuid end)`;
};

const OUTBOX_ID = sql`substr(d.provider_message_id, length('outbox:') + 1)::uuid`;

/** The page's rows as a subquery (ordered by the caller: `created_at desc, id desc`). */
export function capturedPage(filter: CapturedFilter): RawBuilder<CapturedRow> {
  const { merchantId, channel, like } = filter;
  const after = filter.cursor ? decodeCursor(filter.cursor, ['timestamp', 'uuid']) : null;
  const before = (createdAt: RawBuilder<unknown>, id: RawBuilder<unknown>) =>
    after ? sql`and (${createdAt}, ${id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``;
  // The customers a search names, found once (a hashed set), not once per message.
  const named = (alsoSerial: boolean) => sql`(select s.id from customers s
    ${alsoSerial ? sql`left join passes sp on sp.customer_id = s.id` : sql``}
    where s.merchant_id = ${merchantId} and (s.name ilike ${like} or s.email ilike ${like}
      ${alsoSerial ? sql`or sp.serial_number ilike ${like}` : sql``}))`;

  const stored = sql`(select o.id, o.merchant_id, o.channel, o.recipient, o.subject, o.body, o.payload, o.created_at,
      o.created_at::text as created_at_key
    from outbox o
    where o.merchant_id = ${merchantId} ${channel ? sql`and o.channel = ${channel}` : sql``}
      ${like ? sql`and (o.recipient ilike ${like} or o.subject ilike ${like} or o.body ilike ${like} or ${payloadId('customerId')} in ${named(false)})` : sql``}
      ${before(sql`o.created_at`, sql`o.id`)}
    order by o.created_at desc, o.id desc
    limit ${filter.rows})`;
  if (channel === 'email') return sql<CapturedRow>`(${stored})`;

  // By `deliveries_outbox_push`, newest first; the run names the merchant, its plan the text.
  // A push's recipient is its pass's serial, so the search matches serials among the customers.
  const pushes = sql`(select x.id, x.merchant_id, 'push'::text as channel, coalesce(p.serial_number, '') as recipient,
      null::text as subject, x.body,
      jsonb_build_object('runId', x.run_id::text, 'nodeId', x.node_id, 'customerId', x.customer_id::text,
        'voucherCode', x.voucher_code) as payload,
      x.created_at, x.created_at::text as created_at_key
    from (
      select ${OUTBOX_ID} as id, r.merchant_id, d.run_id, d.node_id, d.customer_id, d.voucher_code, d.created_at,
        coalesce(v.plan->'steps'->d.node_id->>'text', '') as body
      from deliveries d
      join runs r on r.id = d.run_id
      join flow_versions v on v.flow_id = r.flow_id and v.version = r.version
      where d.channel = 'push' and d.provider_message_id like 'outbox:%' and r.merchant_id = ${merchantId}
        ${like ? sql`and (v.plan->'steps'->d.node_id->>'text' ilike ${like} or d.customer_id in ${named(true)})` : sql``}
        ${before(sql`d.created_at`, OUTBOX_ID)}
      order by d.created_at desc, 1 desc
      limit ${filter.rows}
    ) x
    left join passes p on p.customer_id = x.customer_id)`;
  return sql<CapturedRow>`(${stored} union all ${pushes})`;
}
