/**
 * broadcast: one run (push + email) to 100,000 card holders through the real stack — the
 * production worker process, the Temporal dev server, Postgres and the Postmark client
 * against the local Postmark server with 20 ms latency — side by side with a direct
 * script that sends the same messages from one process with no Temporal and no ledger.
 */
import { Client, Connection } from '@temporalio/client';
import { createRunLauncher } from '../server/temporal/run-launcher';
import { broadcastGraph } from '../test/support/graphs';
import { deliveryCounts, startRun, waitForRun } from '../test/support/runs';
import { sendDirect } from './support/direct-send';
import { POSTMARK_TOKEN, startBenchEnv } from './support/env';
import { printTimeline } from './support/timeline';
import { startWorkerProcess } from '../test/support/worker-process';
import type { Figure } from './figures';

export const RECIPIENTS = Number(process.env.BENCH_BROADCAST_RECIPIENTS ?? 100_000);
/** What the broadcast says; the direct script sends the same. */
export const MESSAGES = {
  push: "Coffee's waiting ☕",
  email: {
    subject: 'Coffee time, {{customer.name}}',
    body: 'Your {{card.name}} misses you: {{stampsLeft}} stamps to go.',
  },
};
export const GRAPH = broadcastGraph(MESSAGES);

/** The production worker's Node options, as in docker-compose.yml. */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=32';

/** Recipients per second of the last engine run, for `naive` to compare against. */
export let lastRate: number | undefined;

export async function run(): Promise<Figure[]> {
  const env = await startBenchEnv(RECIPIENTS);
  const worker = await startWorkerProcess({
    DATABASE_URL: env.dbUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
    POSTMARK_API_URL: env.postmark.url,
    // The production worker's heap setting (docker-compose.yml); BENCH_WORKER_NODE_OPTIONS adds
    // flags for a look inside (e.g. `--require` a profiler), never in a recorded figure.
    NODE_OPTIONS: [WORKER_NODE_OPTIONS, process.env.BENCH_WORKER_NODE_OPTIONS ?? ''].join(' ').trim(),
  });
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const client = new Client({ connection });
    const stack = { db: env.db, client, launcher: createRunLauncher(client) };

    const t0 = performance.now();
    const started = await startRun(stack, env.merchant.merchantId, GRAPH);
    const status = await waitForRun(stack, started);
    const seconds = (performance.now() - t0) / 1000;
    if (process.env.BENCH_TIMELINE) await printTimeline(client, started.workflowId);
    const counts = await deliveryCounts(stack, started.runId);
    if (status !== 'completed' || counts['push:sent'] !== RECIPIENTS || counts['email:sent'] !== RECIPIENTS) {
      throw new Error(`broadcast run ended ${status} with ${JSON.stringify(counts)}`);
    }
    const emailsAccepted = env.postmark.sent.length;
    const rate = RECIPIENTS / seconds;
    lastRate = rate;

    env.postmark.reset();
    const direct = await sendDirect(env, RECIPIENTS, MESSAGES);
    return [
      { name: 'broadcast.recipients', value: RECIPIENTS, unit: 'recipients' },
      { name: 'broadcast.seconds', value: seconds, unit: 's' },
      { name: 'broadcast.recipients_per_s', value: rate, unit: 'recipients/s' },
      { name: 'broadcast.worker_rss_mb', value: worker.peakRssMb(), unit: 'MB' },
      { name: 'broadcast.emails_accepted', value: emailsAccepted, unit: 'emails' },
      { name: 'broadcast.direct_recipients_per_s', value: direct, unit: 'recipients/s' },
      { name: 'broadcast.vs_direct_ratio', value: rate / direct, unit: 'x' },
    ];
  } finally {
    await connection.close();
    await worker.kill();
    await env.stop();
  }
}
