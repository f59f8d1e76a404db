/**
 * broadcast-scale: is the broadcast's cost linear in the audience? The `broadcast` run (push +
 * email, the production worker process, the Temporal dev server, Postgres, the local Postmark
 * server) at two sizes, one right after the other in one session against one database and one
 * Temporal server: 100,000 and then 1,000,000 card holders by default
 * (`BENCH_SCALE_SIZES=100000,1000000`; iterate with e.g. `20000,200000`). Each size has its own
 * merchant (both seeded first) and its own fresh worker process, so its peak RSS is its own.
 *
 * Figures per size: recipients/s, seconds, worker peak RSS, events in the run's history (all
 * runs of a continue-as-new chain) and runs, Postgres bytes per recipient (growth of the
 * database during the run) and Stampflow row writes per recipient (`pg_stat_user_tables`,
 * read after the worker's connections closed, so every backend has reported); then the
 * rate of the larger against the smaller (`scale_1m_vs_100k`, target ≥ 0.9) and the larger's
 * RSS (`worker_rss_mb_1m`, target ≤ 400). Stderr: rows written per table per recipient.
 */
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { createRunLauncher } from '../server/temporal/run-launcher';
import { deliveryCounts, startRun, waitForRun } from '../test/support/runs';
import { seedCustomers, seedMerchant } from '../test/support/seed';
import { startWorkerProcess } from '../test/support/worker-process';
import type { Db } from '../engine/db/database';
import { GRAPH, WORKER_NODE_OPTIONS } from './broadcast';
import { POSTMARK_TOKEN, startBenchEnv } from './support/env';
import type { Figure } from './figures';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '100000,1000000').split(',').map(Number);

/** 100000 → `100k`, 1000000 → `1m`. */
export function sizeName(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  return String(n);
}

export async function run(): Promise<Figure[]> {
  if (SIZES.length !== 2 || SIZES.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`BENCH_SCALE_SIZES must be two positive integers, e.g. 100000,1000000 (got ${SIZES.join(',')})`);
  }
  const [small, large] = SIZES as [number, number];
  const env = await startBenchEnv(small);
  const other = await seedMerchant(env.db, 'Bench Café (large)');
  process.stderr.write(`bench: seeding ${large} card holders for the second merchant…\n`);
  await seedCustomers(env.db, other, large);
  await sql`vacuum analyze`.execute(env.db);
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const client = new Client({ connection });
    const stack = { db: env.db, client, launcher: createRunLauncher(client) };
    const figures: Figure[] = [];
    const rates: number[] = [];
    const rss: number[] = [];
    for (const [recipients, merchantId] of [
      [small, env.merchant.merchantId],
      [large, other.merchantId],
    ] as const) {
      env.postmark.reset();
      const worker = await startWorkerProcess({
        DATABASE_URL: env.dbUrl,
        TEMPORAL_ADDRESS: env.temporalAddress,
        POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
        POSTMARK_API_URL: env.postmark.url,
        NODE_OPTIONS: [WORKER_NODE_OPTIONS, process.env.BENCH_WORKER_NODE_OPTIONS ?? ''].join(' ').trim(),
      });
      let peak = 0;
      const writes0 = await tableWrites(env.db);
      const bytes0 = await databaseBytes(env.db);
      process.stderr.write(`bench: broadcast-scale: ${recipients} recipients…\n`);
      const t0 = performance.now();
      try {
        const started = await startRun(stack, merchantId, GRAPH);
        const status = await waitForRun(stack, started);
        const seconds = (performance.now() - t0) / 1000;
        peak = worker.peakRssMb();
        const counts = await deliveryCounts(stack, started.runId);
        if (status !== 'completed' || counts['push:sent'] !== recipients || counts['email:sent'] !== recipients) {
          throw new Error(`broadcast to ${recipients} ended ${status} with ${JSON.stringify(counts)}`);
        }
        const history = await stack.launcher.history(started.workflowId, { maxEvents: 10_000_000 });
        const events = history.runs.reduce((n, r) => n + r.events.length, 0);
        // Backends report their counters when they close (or when idle for 10 s): the worker's go first.
        await worker.kill();
        await new Promise((r) => setTimeout(r, 1_000));
        const writes = diff(await tableWrites(env.db), writes0);
        const bytes = (await databaseBytes(env.db)) - bytes0;
        const perTable = [...writes]
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([t, n]) => `${t} ${(n / recipients).toFixed(3)}`);
        process.stderr.write(`bench: broadcast-scale ${recipients}: row writes per recipient by table: ${perTable.join(', ')}\n`);
        const rate = recipients / seconds;
        rates.push(rate);
        rss.push(peak);
        const key = `broadcast.scale_${sizeName(recipients)}`;
        figures.push(
          { name: `${key}.recipients_per_s`, value: rate, unit: 'recipients/s' },
          { name: `${key}.seconds`, value: seconds, unit: 's' },
          { name: `${key}.worker_rss_mb`, value: peak, unit: 'MB' },
          { name: `${key}.history_events`, value: events, unit: 'events' },
          { name: `${key}.history_runs`, value: history.runs.length, unit: 'runs' },
          { name: `${key}.pg_bytes_per_recipient`, value: bytes / recipients, unit: 'B' },
          {
            name: `${key}.pg_row_writes_per_recipient`,
            value: [...writes.values()].reduce((a, n) => a + n, 0) / recipients,
            unit: 'rows',
          },
        );
      } finally {
        await worker.kill();
      }
    }
    figures.push(
      { name: `broadcast.scale_${sizeName(large)}_vs_${sizeName(small)}`, value: rates[1]! / rates[0]!, unit: 'x' },
      { name: `broadcast.worker_rss_mb_${sizeName(large)}`, value: rss[1]!, unit: 'MB' },
    );
    return figures;
  } finally {
    await connection.close();
    await env.stop();
  }
}

/** Rows inserted, updated and deleted so far, per table of the database. */
async function tableWrites(db: Db): Promise<Map<string, number>> {
  const { rows } = await sql<{ relname: string; n: number }>`
    select relname, (n_tup_ins + n_tup_upd + n_tup_del)::float8 as n from pg_stat_user_tables`.execute(db);
  return new Map(rows.map((r) => [r.relname, Number(r.n)]));
}

function diff(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([t, n]) => [t, n - (before.get(t) ?? 0)]));
}

async function databaseBytes(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select pg_database_size(current_database())::float8 as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
