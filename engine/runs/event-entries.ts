/**
 * Event triggers: when something happens to customers, every active flow whose trigger is
 * that event gets an entry per customer (run_id null) in the same transaction as the event.
 * A cohort batcher then gathers pending entries into runs. The entry key makes a repeated
 * event (a retried request, the same event id) enter nobody twice.
 */
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { TriggerEvent } from '../compiler/plan';

export interface EventEntry {
  readonly customerId: string;
  readonly cardId: string;
  /** Unique per customer and event, e.g. `event:<event id>` or `joined`. */
  readonly key: string;
}

/**
 * The one place that says which flow versions an event enters: the latest version of each
 * active flow of the merchant (columns `flow_id`, `version`, `trigger`). Join it with
 * {@link triggeredBy}.
 */
export function latestActiveVersions(merchantId: string): RawBuilder<unknown> {
  return sql`
    select distinct on (v.flow_id) v.flow_id, v.version, v.plan->'trigger' as trigger
    from flows f join flow_versions v on v.flow_id = f.id
    where f.merchant_id = ${merchantId} and f.status = 'active'
    order by v.flow_id, v.version desc`;
}

/**
 * True when the version (`latest`, a row of {@link latestActiveVersions}) is triggered by
 * `event` for a customer of `cardId` (text): an event trigger on that event, for that card
 * or for every card.
 */
export function triggeredBy(event: RawBuilder<unknown> | string, cardId: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`latest.trigger->>'kind' = 'event' and latest.trigger->>'event' = ${event}
    and (coalesce(latest.trigger->>'cardId', '') = '' or latest.trigger->>'cardId' = ${cardId})`;
}

/** Records entries for every active flow triggered by `event`; returns how many were new. */
export async function enterEventFlows(
  trx: Transaction<Database>,
  merchantId: string,
  event: TriggerEvent,
  entries: readonly EventEntry[],
): Promise<number> {
  if (entries.length === 0) return 0;
  // One statement (this runs in every event's transaction): the latest version of each
  // active flow of this merchant, if it is triggered by this event, enters the customers in
  // its card's scope (every customer when it names no card).
  const inserted = await sql`
    insert into flow_entries (flow_id, customer_id, entry_key, merchant_id, version)
    select latest.flow_id, t.customer_id, t.key, ${merchantId}::uuid, latest.version
    from (${latestActiveVersions(merchantId)}) latest
    cross join unnest(${entries.map((e) => e.customerId)}::uuid[], ${entries.map((e) => e.key)}::text[], ${entries.map((e) => e.cardId)}::text[])
      as t(customer_id, key, card_id)
    where ${triggeredBy(event, sql`t.card_id`)}
    on conflict do nothing`.execute(trx);
  return Number(inserted.numAffectedRows ?? 0n);
}
