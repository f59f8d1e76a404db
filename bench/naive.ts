/**
 * naive: the same broadcast done the common way — one workflow per recipient — on 2,000
 * recipients, against the same stack. Figure: recipients/s, and the speedup of the
 * engine's cohort runs (from `broadcast`, run first in the same process) over it.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createPostmarkSender } from '../activities/channels/email/postmark-sender';
import * as broadcast from './broadcast';
import { createNaiveActivities } from './naive/activities';
import { POSTMARK_TOKEN, startBenchEnv } from './support/env';
import type { Figure } from './figures';

const RECIPIENTS = Number(process.env.BENCH_NAIVE_RECIPIENTS ?? 2_000);
const STARTS_IN_FLIGHT = 50;

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = broadcast.lastRate === undefined ? await broadcast.run() : [];
  const env = await startBenchEnv(RECIPIENTS);
  const nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const runId = (await env.db.insertInto('flows').values({ merchant_id: env.merchant.merchantId, name: 'naive', graph: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
    await env.db.insertInto('runs').values({ id: runId, merchant_id: env.merchant.merchantId, flow_id: runId, version: 1, workflow_id: `naive-${runId}`, status: 'running', send_at: null, error: null, started_at: new Date(), finished_at: null }).execute();
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: 'naive',
      workflowsPath: fileURLToPath(new URL('./naive/workflows.ts', import.meta.url)),
      activities: createNaiveActivities(env.db, createPostmarkSender({ serverToken: POSTMARK_TOKEN, apiUrl: env.postmark.url })),
      maxConcurrentActivityTaskExecutions: 16,
    });
    const ids = (await env.db.selectFrom('customers').select('id').execute()).map((r) => r.id);
    const client = new Client({ connection });
    const seconds = await worker.runUntil(async () => {
      const t0 = performance.now();
      let next = 0;
      const lane = async () => {
        while (next < ids.length) {
          const customerId = ids[next++]!;
          const handle = await client.workflow.start('sendToOne', { taskQueue: 'naive', workflowId: `naive-${randomUUID()}`, args: [{ runId, customerId }] });
          await handle.result();
        }
      };
      await Promise.all(Array.from({ length: STARTS_IN_FLIGHT }, lane));
      return (performance.now() - t0) / 1000;
    });
    const rate = RECIPIENTS / seconds;
    figures.push({ name: 'naive.recipients_per_s', value: rate, unit: 'recipients/s' });
    if (broadcast.lastRate !== undefined) figures.push({ name: 'naive.speedup', value: broadcast.lastRate / rate, unit: 'x' });
    return figures;
  } finally {
    await connection.close();
    await nativeConnection.close();
    await env.stop();
  }
}
