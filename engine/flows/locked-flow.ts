/**
 * A merchant's flow, locked for the rest of the transaction (publish and status changes
 * take turns per flow), with the merchant's time zone its Schedule needs.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';

export async function lockFlow(trx: Transaction<Database>, merchantId: string, flowId: string) {
  return trx
    .selectFrom('flows')
    .innerJoin('merchants', 'merchants.id', 'flows.merchant_id')
    .select(['flows.id', 'flows.graph', 'flows.status', 'merchants.timezone'])
    .where('flows.id', '=', flowId)
    .where('flows.merchant_id', '=', merchantId)
    .forUpdate('flows')
    .executeTakeFirst();
}
