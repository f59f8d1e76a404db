/**
 * Recording many counter events at once (`POST /v1/events` with `{events: [...]}`): each
 * event is recorded exactly as {@link recordEvent} records one, but the whole batch shares one
 * transaction, so Postgres commits (and syncs its log) once per batch instead of once per
 * event. An event whose customer does not exist writes nothing and answers `not_found`; the
 * others are recorded.
 *
 * Two batches that touch the same customers in different orders would deadlock on their row
 * locks, so the batch first locks all of its customers in one order (by id).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { recordEvent, type EventInput, type RecordEventResult } from './events';

/** The most events one batch may carry (the API's contract). */
export const MAX_EVENTS_PER_BATCH = 1000;

export async function recordEvents(
  db: Db,
  merchantId: string,
  inputs: readonly EventInput[],
): Promise<RecordEventResult[]> {
  if (inputs.length === 0) return [];
  const ids = inputs.flatMap((e) => ('id' in e.customer ? [e.customer.id] : []));
  const externalIds = inputs.flatMap((e) => ('externalId' in e.customer ? [e.customer.externalId] : []));
  return db.transaction().execute(async (trx) => {
    await sql`
      select id from customers
      where merchant_id = ${merchantId}
        and (id = any(${ids}::uuid[]) or external_id = any(${externalIds}::text[]))
      order by id
      for update`.execute(trx);
    const results: RecordEventResult[] = [];
    // In the order given: a customer's stamps within one batch count up in that order.
    for (const input of inputs) results.push(await recordEvent(trx, merchantId, input));
    return results;
  });
}
