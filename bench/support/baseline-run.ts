/**
 * The run row a hand-written baseline records its deliveries under (a flow named `naive`,
 * a run already `running`), and the merchant's card holders in id order, seq 1..N, as the
 * engine's snapshot numbers them.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../engine/db/database';

export async function openBaselineRun(
  db: Db,
  merchantId: string,
  graph: unknown,
): Promise<{ runId: string; ids: string[] }> {
  const flow = await db
    .insertInto('flows')
    .values({ merchant_id: merchantId, name: 'naive', graph: JSON.stringify(graph) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const runId = randomUUID();
  await db
    .insertInto('runs')
    .values({
      id: runId,
      merchant_id: merchantId,
      flow_id: flow.id,
      version: 1,
      workflow_id: `naive-${runId}`,
      status: 'running',
      send_at: null,
      error: null,
      started_at: new Date(),
      finished_at: null,
    })
    .execute();
  const rows = await db
    .selectFrom('customers')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .orderBy('id')
    .execute();
  return { runId, ids: rows.map((r) => r.id) };
}
