/**
 * wallet: one push-only broadcast run to 100,000 card holders, each with ONE registered
 * Apple device, through the real stack — the production worker process (APNs enabled by
 * the APPLE_* certificates), the Temporal dev server, Postgres and the production APNs
 * sender against the local APNs HTTP/2 server in its own process with 20 ms latency —
 * side by side with a direct baseline: the same sender pushing the same tokens from one
 * process with no Temporal and no ledger (`support/direct-apns.ts`).
 *
 * Checked before any figure is reported: the run completed, every recipient has a
 * `push:sent` delivery, and the APNs server saw exactly one 200 per device (delivered ===
 * uniqueTokens === recipients: none missed, none twice). The same for the baseline.
 *
 * Stderr breaks the run down per page of 500, from the ledger's own timestamps: claim →
 * record (pass update, device lookup, the APNs round trips) and record → next claim (the
 * record itself and the next page's reads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import type { Db } from '../engine/db/database';
import { createRunLauncher } from '../server/temporal/run-launcher';
import { appleEnv, writeTestCertificates } from '../test/support/certs';
import { broadcastGraph } from '../test/support/graphs';
import { deliveryCounts, startRun, waitForRun } from '../test/support/runs';
import { seedAppleDevices } from '../test/support/seed';
import { startWorkerProcess } from '../test/support/worker-process';
import { WORKER_NODE_OPTIONS } from './broadcast';
import type { Figure } from './figures';
import { CpuMeter } from './support/cpu-meter';
import { startApnsProcess, type ApnsProcess, type ApnsStats } from './support/apns-process';
import { pushDirect } from './support/direct-apns';
import { LATENCY_MS, startBenchEnv } from './support/env';
import { percentile } from './stats';

export const RECIPIENTS = Number(process.env.BENCH_WALLET_RECIPIENTS ?? 100_000);
export const GRAPH = broadcastGraph({ push: "Coffee's waiting ☕" });

export async function run(): Promise<Figure[]> {
  const certs = writeTestCertificates(mkdtempSync(join(tmpdir(), 'stampflow-bench-wallet-')));
  const env = await startBenchEnv(RECIPIENTS);
  let apns: ApnsProcess | undefined;
  let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
  let connection: Connection | undefined;
  try {
    process.stderr.write(`bench: registering ${RECIPIENTS} Apple devices…\n`);
    const tokens = [...(await seedAppleDevices(env.db, env.merchant)).keys()];
    if (tokens.length !== RECIPIENTS)
      throw new Error(`seeded ${tokens.length} distinct tokens for ${RECIPIENTS} recipients`);
    apns = await startApnsProcess(certs.dir, LATENCY_MS);
    worker = await startWorkerProcess({
      DATABASE_URL: env.dbUrl,
      TEMPORAL_ADDRESS: env.temporalAddress,
      ...appleEnv(certs),
      APNS_URL: apns.url,
      // How the worker trusts the local APNs server, as it would trust Apple's.
      NODE_EXTRA_CA_CERTS: certs.caPath,
      // The production worker's heap setting (docker-compose.yml), as in `broadcast`.
      NODE_OPTIONS: WORKER_NODE_OPTIONS,
    });
    connection = await Connection.connect({ address: env.temporalAddress });
    const client = new Client({ connection });
    const stack = { db: env.db, client, launcher: createRunLauncher(client) };

    // 1. The engine: run start -> the run completes (every delivery recorded).
    const meter = new CpuMeter(env.db, { worker: worker.pid, apns: apns.pid, temporal: env.temporalPid }, process.pid);
    await meter.start();
    const t0 = performance.now();
    const started = await startRun(stack, env.merchant.merchantId, GRAPH);
    const status = await waitForRun(stack, started);
    const seconds = (performance.now() - t0) / 1000;
    await meter.stop(RECIPIENTS);
    const counts = await deliveryCounts(stack, started.runId);
    const engineStats = await apns.stats();
    if (status !== 'completed' || counts['push:sent'] !== RECIPIENTS) {
      throw new Error(`wallet run ended ${status} with ${JSON.stringify(counts)}`);
    }
    checkDelivered('engine', engineStats);
    const rate = RECIPIENTS / seconds;
    const workerRss = worker.peakRssMb();
    await printPageBreakdown(env.db, started.runId);

    // 2. The baseline: the same sender, the same tokens, no Temporal, no ledger.
    await apns.reset();
    const direct = await pushDirect(certs, apns.url, tokens);
    const directStats = await apns.stats();
    if (direct.sent !== RECIPIENTS) throw new Error(`direct pushes ended with ${JSON.stringify(direct.outcomes)}`);
    checkDelivered('direct', directStats);
    const directRate = RECIPIENTS / direct.seconds;
    process.stderr.write(
      `wallet: engine ${seconds.toFixed(2)} s, ${engineStats.sessions} APNs session(s), ${engineStats.maxConcurrentStreams} streams at most; ` +
        `direct ${direct.seconds.toFixed(2)} s (${direct.cpuSeconds.toFixed(1)} s CPU in the pushing process), ${directStats.sessions} session(s), ${directStats.maxConcurrentStreams} streams at most, ` +
        `peak RSS ${direct.peakRssMb.toFixed(0)} MB\n`,
    );

    return [
      { name: 'wallet.recipients', value: RECIPIENTS, unit: 'recipients' },
      { name: 'wallet.seconds', value: seconds, unit: 's' },
      { name: 'wallet.pushes_per_s', value: rate, unit: 'pushes/s' },
      { name: 'wallet.worker_rss_mb', value: workerRss, unit: 'MB' },
      { name: 'wallet.apns_max_concurrent_streams', value: engineStats.maxConcurrentStreams, unit: 'streams' },
      { name: 'wallet.direct_pushes_per_s', value: directRate, unit: 'pushes/s' },
      { name: 'wallet.ratio_to_direct', value: rate / directRate, unit: 'x' },
    ];
  } finally {
    await connection?.close();
    await worker?.kill();
    await apns?.stop();
    await env.stop();
    rmSync(certs.dir, { recursive: true, force: true });
  }
}

/** Every device got exactly one push: none missed, none twice. */
function checkDelivered(who: string, stats: ApnsStats): void {
  if (stats.delivered !== RECIPIENTS || stats.uniqueTokens !== RECIPIENTS) {
    throw new Error(
      `${who}: APNs delivered ${stats.delivered} pushes to ${stats.uniqueTokens} devices, expected ${RECIPIENTS} to ${RECIPIENTS}`,
    );
  }
}

/**
 * Where a page's time goes, from the ledger's timestamps: `created_at` is when its claim
 * ran, `updated_at` when its record ran. Claim → record holds the pass update, the device
 * lookup and the APNs round trips; record → the lane's next claim holds the record and the
 * next page's reads (run check, recipients, frequency cap, skipped rows).
 */
async function printPageBreakdown(db: Db, runId: string): Promise<void> {
  // One claim (and one record) statement per page: its rows share one now().
  const { rows } = await sql<{ lane: string; claimed: Date; recorded: Date }>`
    select claim_key as lane, created_at as claimed, max(updated_at) as recorded
    from deliveries where run_id = ${runId} and channel = 'push'
    group by 1, 2 order by 1, 2`.execute(db);
  if (rows.length === 0) return;
  const inPage = rows.map((r) => r.recorded.getTime() - r.claimed.getTime());
  // A lane is one activity (a chunk of 5,000): its pages run one after another.
  const between: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    const [prev, cur] = [rows[i - 1]!, rows[i]!];
    if (prev.lane === cur.lane) between.push(cur.claimed.getTime() - prev.recorded.getTime());
  }
  const first = Math.min(...rows.map((r) => r.claimed.getTime()));
  const last = Math.max(...rows.map((r) => r.recorded.getTime()));
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(0)} ms, p90 ${percentile(xs, 90).toFixed(0)} ms`;
  process.stderr.write(
    `wallet: ${rows.length} pages in ${new Set(rows.map((r) => r.lane)).size} activities, ` +
      `${((last - first) / 1000).toFixed(2)} s from first claim to last record; ` +
      `claim→record ${fmt(inPage)}; record→next claim ${fmt(between)}\n`,
  );
}
