/**
 * Event triggers: when something happens to customers, every active flow whose trigger is
 * that event gets an entry per customer (run_id null) in the same transaction as the event.
 * A cohort batcher then gathers pending entries into runs. The entry key makes a repeated
 * event (a retried request, the same event id) enter nobody twice.
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { TriggerEvent } from '../flow/plan';

export interface EventEntry {
  readonly customerId: string;
  readonly cardId: string;
  /** Unique per customer and event, e.g. `event:<event id>` or `joined`. */
  readonly key: string;
}

/** Records entries for every active flow triggered by `event`; returns how many were new. */
export async function enterEventFlows(
  trx: Transaction<Database>,
  merchantId: string,
  event: TriggerEvent,
  entries: readonly EventEntry[],
): Promise<number> {
  if (entries.length === 0) return 0;
  // The latest version of each active flow of this merchant, if it is triggered by this event.
  const { rows: flows } = await sql<{ flow_id: string; version: number; card_id: string | null }>`
    select flow_id, version, trigger->>'cardId' as card_id from (
      select distinct on (v.flow_id) v.flow_id, v.version, v.plan->'trigger' as trigger
      from flows f join flow_versions v on v.flow_id = f.id
      where f.merchant_id = ${merchantId} and f.status = 'active'
      order by v.flow_id, v.version desc) latest
    where trigger->>'kind' = 'event' and trigger->>'event' = ${event}`.execute(trx);
  let entered = 0;
  for (const flow of flows) {
    const mine = flow.card_id ? entries.filter((e) => e.cardId === flow.card_id) : entries;
    if (mine.length === 0) continue;
    const inserted = await sql`
      insert into flow_entries (flow_id, customer_id, entry_key, merchant_id, version)
      select ${flow.flow_id}::uuid, t.customer_id, t.key, ${merchantId}::uuid, ${flow.version}::int
      from unnest(${mine.map((e) => e.customerId)}::uuid[], ${mine.map((e) => e.key)}::text[]) as t(customer_id, key)
      on conflict do nothing`.execute(trx);
    entered += Number(inserted.numAffectedRows ?? 0n);
  }
  return entered;
}
