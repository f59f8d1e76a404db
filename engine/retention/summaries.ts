/**
 * The delivery counts retention froze for summarised runs (`run_summaries.deliveries`), in
 * the shape the run report and lists group the ledger by, so a run keeps its numbers after
 * its ledger rows are gone.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { DeliveryStatus } from '../db/schema';

export interface SummarisedDeliveries {
  readonly run_id: string;
  readonly node_id: string;
  readonly channel: string;
  readonly status: DeliveryStatus;
  readonly n: number;
}

/** The frozen counts of those of `runIds` that were summarised (none for the others). */
export async function summarisedDeliveries(db: Db, runIds: readonly string[]): Promise<SummarisedDeliveries[]> {
  if (runIds.length === 0) return [];
  const { rows } = await sql<SummarisedDeliveries>`
    select s.run_id, d."nodeId" as node_id, d.channel, d.status, d.count as n
    from run_summaries s, jsonb_to_recordset(s.deliveries) as d("nodeId" text, channel text, status text, count int)
    where s.run_id = any(${[...runIds]}::uuid[])`.execute(db);
  return rows;
}
