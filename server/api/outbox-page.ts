/**
 * One page of the Outbox, newest first, from its two sources:
 *  - the `outbox` table: captured emails (the rendered message is the record) and pushes
 *    captured before migration 019 whose delivery row is gone;
 *  - the ledger: a push captured in the outbox is its delivery row (`outbox:<id>`, the voucher
 *    code it carried), shown with the pass's serial and the text of the run's push step, so
 *    the push step writes no second row per message.
 * Both come out as `outbox` rows (id, channel, recipient, subject, body, payload, created_at),
 * a push's payload `{runId, nodeId, customerId, voucherCode}` as the step used to write it.
 * Each source is cut to the page by its own index before the two are merged.
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
  /** A condition on the row `o` (one of the columns above), e.g. the search. */
  readonly where?: RawBuilder<boolean> | undefined;
  readonly cursor?: string | undefined;
  /** Rows to read (the page's limit + 1). */
  readonly rows: number;
}

const OUTBOX_ID = sql`substr(d.provider_message_id, length('outbox:') + 1)::uuid`;

/** The page's rows as a subquery `o` (ordered by the caller: `created_at desc, id desc`). */
export function capturedPage(filter: CapturedFilter): RawBuilder<CapturedRow> {
  const { merchantId, channel } = filter;
  const after = filter.cursor ? decodeCursor(filter.cursor, ['timestamp', 'uuid']) : null;
  const page = (source: RawBuilder<unknown>) => sql`(
    select o.*, o.created_at::text as created_at_key from (${source}) o
    where ${filter.where ?? sql`true`}
      ${after ? sql`and (o.created_at, o.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by o.created_at desc, o.id desc
    limit ${filter.rows})`;
  const stored = sql`select o.id, o.merchant_id, o.channel, o.recipient, o.subject, o.body, o.payload, o.created_at
    from outbox o
    where o.merchant_id = ${merchantId} ${channel ? sql`and o.channel = ${channel}` : sql``}`;
  // By `deliveries_outbox_push`, newest first; the run names the merchant and the plan the text.
  const pushes = sql`select ${OUTBOX_ID} as id, r.merchant_id, 'push'::text as channel,
      coalesce(p.serial_number, '') as recipient, null::text as subject,
      coalesce(v.plan->'steps'->d.node_id->>'text', '') as body,
      jsonb_build_object('runId', d.run_id::text, 'nodeId', d.node_id, 'customerId', d.customer_id::text,
        'voucherCode', d.voucher_code) as payload,
      d.created_at
    from deliveries d
    join runs r on r.id = d.run_id
    join flow_versions v on v.flow_id = r.flow_id and v.version = r.version
    left join passes p on p.customer_id = d.customer_id
    where d.channel = 'push' and d.provider_message_id like 'outbox:%' and r.merchant_id = ${merchantId}`;
  const parts = channel === 'email' ? [page(stored)] : [page(stored), page(pushes)];
  return sql<CapturedRow>`(${sql.join(parts, sql` union all `)})`;
}
