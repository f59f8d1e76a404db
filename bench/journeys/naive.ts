import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { recordEvent } from '../../engine/customers/events';
import type { Db } from '../../engine/db/database';
import { seedCustomers, seedMerchant } from '../../test/support/seed';
import { percentile } from '../stats';
import { openBaselineRun } from '../support/baseline-run';
import { CpuMeter } from '../support/cpu-meter';
import { PUSH_TEXT, type Push } from './pushes';

const NAIVE_EVENTS = Number(process.env.BENCH_JOURNEYS_NAIVE_EVENTS ?? 1_000);
/** As the `naive` scenario (`bench/naive.ts`): workflow starts in flight at once. */
const NAIVE_IN_FLIGHT = 50;

/** The repository root (this file is two levels below it): the bundled workflow resolves its imports from its node_modules. */
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The baseline's workflow: one per event, one activity (written to a temp dir and bundled). */
const NAIVE_WORKFLOW = `
import { proxyActivities } from '@temporalio/workflow';
const { pushForEvent } = proxyActivities({ startToCloseTimeout: '1 minute' });
export async function pushOnEvent(input) {
  await pushForEvent(input);
}
`;

/**
 * The same work done the common way: each event is recorded (the same transaction as the
 * API's, called directly — no HTTP, which favours the baseline) and starts one small
 * workflow whose one activity does the push step's work for that customer (pass update,
 * outbox entry and delivery row in one transaction). Customers of a merchant of their own,
 * with no journey, so the engine enters nobody. Deliveries/s from the first event to the
 * last push row, as for the engine.
 */
export async function runNaive(
  db: Db,
  address: string,
  temporalPid: number,
  stampsRequired: number,
): Promise<{ rate: number; p50: number }> {
  const merchant = await seedMerchant(db, 'Naive Café');
  await seedCustomers(db, merchant, NAIVE_EVENTS, { stamps: () => stampsRequired - 2 });
  const { runId, ids } = await openBaselineRun(db, merchant.merchantId, {});

  const dir = mkdtempSync(join(tmpdir(), 'stampflow-bench-naive-'));
  writeFileSync(join(dir, 'workflows.js'), NAIVE_WORKFLOW);
  const nodeModules = join(REPO, 'node_modules');
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: join(dir, 'workflows.js'),
    // The file lives outside the repository: resolve @temporalio/workflow from it.
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? []), nodeModules] },
    }),
  });
  rmSync(dir, { recursive: true, force: true });

  const activities = {
    async pushForEvent({ customerId, seq }: { customerId: string; seq: number }): Promise<void> {
      const pass = await db
        .selectFrom('passes')
        .select('serial_number')
        .where('customer_id', '=', customerId)
        .executeTakeFirstOrThrow();
      await db.transaction().execute(async (tx) => {
        const outboxId = randomUUID();
        const claimed = await tx
          .insertInto('deliveries')
          .values({
            run_id: runId,
            node_id: 'nudge',
            customer_id: customerId,
            channel: 'push',
            status: 'sent',
            attempts: 1,
            seq,
            reason: null,
            claim_key: null,
            provider_message_id: `outbox:${outboxId}`,
            updated_at: sql<Date>`now()`,
          })
          .onConflict((oc) => oc.doNothing())
          .returning('customer_id')
          .executeTakeFirst();
        if (!claimed) return;
        await tx
          .updateTable('passes')
          .set((eb) => ({ message: PUSH_TEXT, update_tag: eb('update_tag', '+', 1), updated_at: sql<Date>`now()` }))
          .where('customer_id', '=', customerId)
          .execute();
        await tx
          .insertInto('outbox')
          .values({
            id: outboxId,
            merchant_id: merchant.merchantId,
            channel: 'push',
            recipient: pass.serial_number,
            subject: null,
            body: PUSH_TEXT,
            payload: JSON.stringify({ runId, nodeId: 'nudge', customerId }),
          })
          .execute();
      });
    },
  };

  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: 'journeys-naive',
      workflowBundle,
      activities,
      maxConcurrentActivityTaskExecutions: 16,
    });
    const client = new Client({ connection });
    const sentAt = new Map<string, number>();
    process.stderr.write(`bench: naive baseline, one workflow per event, ${ids.length} events…\n`);
    const meter = new CpuMeter(db, { temporal: temporalPid }, process.pid);
    await meter.start();
    const t0 = Date.now();
    await worker.runUntil(async () => {
      let next = 0;
      const lane = async () => {
        while (next < ids.length) {
          const seq = ++next;
          const customerId = ids[seq - 1]!;
          sentAt.set(customerId, Date.now());
          const recorded = await recordEvent(db, merchant.merchantId, {
            customer: { id: customerId },
            type: 'stamp',
            at: new Date(),
          });
          if (!recorded.ok) throw new Error(`naive event for ${customerId}: ${recorded.message}`);
          const handle = await client.workflow.start('pushOnEvent', {
            taskQueue: 'journeys-naive',
            workflowId: `naive-${randomUUID()}`,
            args: [{ customerId, seq }],
          });
          await handle.result();
        }
      };
      await Promise.all(Array.from({ length: NAIVE_IN_FLIGHT }, lane));
    });
    await meter.stop(ids.length);
    const { rows } = await sql<Push>`
      select customer_id, (extract(epoch from updated_at) * 1000)::float8 as at from deliveries where run_id = ${runId} and channel = 'push' and status = 'sent'`.execute(
      db,
    );
    if (rows.length !== ids.length) throw new Error(`naive recorded ${rows.length} of ${ids.length} pushes`);
    const last = Math.max(...rows.map((r) => r.at));
    return {
      rate: ids.length / ((last - t0) / 1000),
      p50: percentile(
        rows.map((r) => r.at - sentAt.get(r.customer_id)!),
        50,
      ),
    };
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}
