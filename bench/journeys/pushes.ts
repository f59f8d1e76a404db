import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';

/** How long the pushes may take to be recorded after the last POST before the bench gives up. */
const DELIVERY_TIMEOUT_MS = 180_000;
/** The journey's push text, written by the engine's journey and by the naive baseline alike. */
export const PUSH_TEXT = 'One more stamp! ☕';

/** A recorded push: whose, and when. */
export interface Push {
  readonly customer_id: string;
  /** `deliveries.updated_at` in ms since the epoch. */
  readonly at: number;
}

/** Waits until every customer's push of the flow is recorded; answers them. */
export async function waitForPushes(db: Db, flowId: string, expected: number, since: number): Promise<Push[]> {
  const count = async () =>
    (
      await sql<{ n: number }>`
        select count(*)::int as n from deliveries d join runs r on r.id = d.run_id
        where r.flow_id = ${flowId} and d.channel = 'push' and d.status = 'sent'`.execute(db)
    ).rows[0]!.n;
  for (;;) {
    const n = await count();
    if (n >= expected) break;
    if (Date.now() - since > DELIVERY_TIMEOUT_MS) {
      const runs = await db
        .selectFrom('runs')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('flow_id', '=', flowId)
        .groupBy('status')
        .execute();
      throw new Error(
        `only ${n} of ${expected} pushes recorded ${DELIVERY_TIMEOUT_MS / 1000} s after the last event; runs: ${JSON.stringify(runs)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rows } = await sql<Push>`
    select d.customer_id, (extract(epoch from d.updated_at) * 1000)::float8 as at
    from deliveries d join runs r on r.id = d.run_id
    where r.flow_id = ${flowId} and d.channel = 'push' and d.status = 'sent'`.execute(db);
  if (new Set(rows.map((r) => r.customer_id)).size !== expected || rows.length !== expected) {
    throw new Error(`expected one push for each of ${expected} customers, got ${rows.length} rows`);
  }
  return rows;
}
