/**
 * A visit during a wait-for-visit: the runs in which this customer may be waiting for one
 * are signalled, so the wait moves them on by `visited` within seconds (the wait also looks
 * by itself now and then, so a lost signal only delays them).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { log } from '../log';
import type { RunLauncher } from '../temporal/run-launcher';

export async function signalVisit(ports: { db: Db; launcher: RunLauncher }, merchantId: string, customerId: string): Promise<void> {
  const { rows } = await sql<{ workflow_id: string }>`
    select distinct r.workflow_id from run_waits w join runs r on r.id = w.run_id
    where w.merchant_id = ${merchantId} and w.finished_at is null and w.mode = 'untilVisit'
      and exists (select 1 from run_step_members m where m.run_id = w.run_id and m.customer_id = ${customerId})`.execute(ports.db);
  await Promise.all(
    rows.map((r) => ports.launcher.signalVisit(r.workflow_id).catch((err: unknown) => log.warn('visit signal failed', { workflowId: r.workflow_id, err }))),
  );
}
