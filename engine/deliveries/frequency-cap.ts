/**
 * The merchant's frequency cap: at most N messages of a channel per customer per rolling
 * 7 days, across all flows. A capped message is a `skipped` delivery with reason
 * `frequency_cap`, never a silent drop.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import type { DeliveryChannel } from '../db/schema';
import { SENT_STATUSES } from './status';

export const CAP_WINDOW_DAYS = 7;
export const FREQUENCY_CAP = 'frequency_cap';

/** The customers among `customerIds` who already had `cap` or more sent messages of `channel` in the window. */
export async function cappedCustomers(
  db: Db,
  channel: DeliveryChannel,
  customerIds: readonly string[],
  cap: number | null,
): Promise<Set<string>> {
  if (cap === null || customerIds.length === 0) return new Set();
  if (cap === 0) return new Set(customerIds);
  const { rows } = await sql<{ customer_id: string }>`
    select customer_id from deliveries
    where customer_id = any(${[...customerIds]}::uuid[]) and channel = ${channel} and status = any(${[...SENT_STATUSES]}::text[])
      and created_at > now() - make_interval(days => ${CAP_WINDOW_DAYS})
    group by customer_id
    having count(*) >= ${cap}`.execute(db);
  return new Set(rows.map((r) => r.customer_id));
}

/**
 * {@link cappedCustomers} as SQL, for a statement that caps in place: the customers among
 * `candidates` (a query of customer ids) at or over the cap, as a query of `customer_id`.
 */
export function cappedAmong(channel: DeliveryChannel, candidates: RawBuilder<unknown>, cap: number) {
  if (cap === 0) return sql<{ customer_id: string }>`select customer_id from (${candidates}) as c(customer_id)`;
  return sql<{ customer_id: string }>`
    select customer_id from deliveries
    where customer_id in (${candidates}) and channel = ${channel} and status = any(${[...SENT_STATUSES]}::text[])
      and created_at > now() - make_interval(days => ${CAP_WINDOW_DAYS})
    group by customer_id
    having count(*) >= ${cap}`;
}
