/**
 * naive: the same broadcast as `broadcast` (push + email, the same flow, the same messages)
 * done the common way — one workflow per recipient, one activity per message — side by side
 * with the engine on the same card holders, the same stack and the same size.
 *
 * What is measured, on BENCH_NAIVE_RECIPIENTS (default 2,000) card holders of one merchant:
 * 1. naive: start one `sendToOne` workflow per customer (50 starts in flight, an in-process
 *    worker with 16 activity slots) until all have completed; each writes the push as the
 *    engine does without wallet credentials (delivery row, which is the outbox entry, and the
 *    pass change), sends the engine's email through the Postmark client and writes its
 *    delivery row;
 * 2. engine: one broadcast run of `broadcast`'s flow over the same customers through the
 *    production worker process, from run start to every delivery recorded.
 * After each, every message is checked (bench/support/delivered.ts): 2 × N delivery rows,
 * N pushes captured in the outbox, N emails at the provider, one per customer.
 *
 * Figures: both rates and their ratio at the same size. The naive design manages ~40
 * recipients/s, so it does not run at broadcast's 100,000; `naive.speedup` against the
 * 100k `broadcast` figure is reported only when `broadcast` ran earlier in this process.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createPostmarkSender } from '../engine/channels/email/postmark-sender';
import { loadConfig } from '../engine/config';
import { compileFlow } from '../engine/compiler/compiler';
import type { EmailStep, PushStep } from '../engine/compiler/plan';
import { createRunLauncher } from '../server/temporal/run-launcher';
import { startRun, waitForRun } from '../test/support/runs';
import { startWorkerProcess } from '../test/support/worker-process';
import * as broadcast from './broadcast';
import { createNaiveActivities } from './naive/activities';
import { expectDelivered } from './support/delivered';
import { POSTMARK_TOKEN, startBenchEnv, type BenchEnv } from './support/env';
import { openBaselineRun } from './support/baseline-run';
import type { Figure } from './figures';

const RECIPIENTS = Number(process.env.BENCH_NAIVE_RECIPIENTS ?? 2_000);
const STARTS_IN_FLIGHT = 50;

export async function run(): Promise<Figure[]> {
  const engineAt100k = broadcast.lastRate; // before this scenario starts anything
  const env = await startBenchEnv(RECIPIENTS);
  try {
    const naive = await runNaive(env);
    const engine = await runEngine(env);
    const figures: Figure[] = [
      { name: 'naive.recipients', value: RECIPIENTS, unit: 'recipients' },
      { name: 'naive.recipients_per_s', value: naive, unit: 'recipients/s' },
      { name: 'naive.broadcast_same_size_per_s', value: engine, unit: 'recipients/s' },
      { name: 'naive.speedup_same_size', value: engine / naive, unit: 'x' },
    ];
    if (engineAt100k !== undefined)
      figures.push({
        name: 'naive.speedup',
        value: engineAt100k / naive,
        unit: `x (broadcast at ${broadcast.RECIPIENTS} vs naive at ${RECIPIENTS})`,
      });
    return figures;
  } finally {
    await env.stop();
  }
}

/** The flow's push and email steps, as the engine compiles them from `broadcast`'s graph. */
function broadcastSteps(): { push: PushStep; email: EmailStep } {
  const compiled = compileFlow(broadcast.GRAPH);
  const steps = compiled.ok ? compiled.plan.steps : {};
  const push = steps.push;
  const email = steps.email;
  if (push?.kind !== 'push' || email?.kind !== 'email') throw new Error('broadcast graph has no push and email steps');
  return { push, email };
}

/** One workflow per customer; recipients per second from the first start to the last completion. */
async function runNaive(env: BenchEnv): Promise<number> {
  const { merchantId } = env.merchant;
  // The audience in id order, seq 1..N, as the engine's snapshot numbers it.
  const { runId, ids } = await openBaselineRun(env.db, merchantId, broadcast.GRAPH);

  const config = loadConfig({}); // the worker's defaults: broadcast stream, public URL
  const nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: 'naive',
      workflowsPath: fileURLToPath(new URL('./naive/workflows.ts', import.meta.url)),
      activities: createNaiveActivities({
        db: env.db,
        sender: createPostmarkSender({ serverToken: POSTMARK_TOKEN, apiUrl: env.postmark.url }),
        channels: {
          emailFrom: 'Stampflow <no-reply@stampflow.local>',
          broadcastStream: config.postmarkBroadcastStream,
          publicUrl: config.publicUrl,
        },
        steps: broadcastSteps(),
      }),
      maxConcurrentActivityTaskExecutions: 16,
    });
    const client = new Client({ connection });
    const seconds = await worker.runUntil(async () => {
      const t0 = performance.now();
      let next = 0;
      const lane = async () => {
        while (next < ids.length) {
          const seq = next + 1;
          const customerId = ids[next++]!;
          const handle = await client.workflow.start('sendToOne', {
            taskQueue: 'naive',
            workflowId: `naive-${randomUUID()}`,
            args: [{ runId, customerId, seq }],
          });
          await handle.result();
        }
      };
      await Promise.all(Array.from({ length: STARTS_IN_FLIGHT }, lane));
      return (performance.now() - t0) / 1000;
    });
    await expectDelivered(env, runId, RECIPIENTS);
    return RECIPIENTS / seconds;
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

/** The engine's broadcast run over the same customers, measured as `broadcast` measures it. */
async function runEngine(env: BenchEnv): Promise<number> {
  env.postmark.reset();
  const worker = await startWorkerProcess({
    DATABASE_URL: env.dbUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
    POSTMARK_API_URL: env.postmark.url,
    NODE_OPTIONS: broadcast.WORKER_NODE_OPTIONS,
  });
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const client = new Client({ connection });
    const stack = { db: env.db, client, launcher: createRunLauncher(client) };
    const t0 = performance.now();
    const started = await startRun(stack, env.merchant.merchantId, broadcast.GRAPH);
    const status = await waitForRun(stack, started);
    const seconds = (performance.now() - t0) / 1000;
    if (status !== 'completed') throw new Error(`engine run at ${RECIPIENTS} ended ${status}`);
    await expectDelivered(env, started.runId, RECIPIENTS);
    return RECIPIENTS / seconds;
  } finally {
    await connection.close();
    await worker.kill();
  }
}
