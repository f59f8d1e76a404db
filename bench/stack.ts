/**
 * stack: the 100,000-recipient push + email broadcast of `broadcast`, on the production shape
 * (`npm run stack`): the Temporal server on Postgres, the API process and worker processes,
 * with one worker and then two, side by side in one run against the same stack and the same
 * card holders. The local Postmark server (in this process) answers with 20 ms latency.
 *
 * Figures: recipients/s end to end for each (run start → every delivery recorded, every
 * email counted at Postmark), the events in the run's Temporal history (its whole
 * continue-as-new chain), and CPU seconds per part (Stampflow's Postgres backends, Temporal's
 * Postgres backends, the Temporal server, the workers, this process with Postmark), which say
 * where the time goes. On 2 cores two workers share the cores with everything else.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import type { Db } from '../engine/db/database';
import { startStack } from '../server/stack/stack';
import { ensureTemporalServer } from '../server/temporal/cli-path';
import { createRunLauncher } from '../server/temporal/run-launcher';
import { getFreePort } from '../server/temporal/server-process';
import { findFreeTemporalPort } from '../server/temporal/temporal-server';
import { startPostmarkServer } from '../test/postmark-server';
import { createTestDatabase, dropDatabase } from '../test/support/database';
import { deliveryCounts, startRun, waitForRun } from '../test/support/runs';
import { seedCustomers, seedMerchant } from '../test/support/seed';
import { GRAPH, WORKER_NODE_OPTIONS } from './broadcast';
import { CpuMeter } from './support/cpu-meter';
import { LATENCY_MS, POSTMARK_TOKEN } from './support/env';
import type { Figure } from './figures';

const RECIPIENTS = Number(process.env.BENCH_STACK_RECIPIENTS ?? 100_000);

export async function run(): Promise<Figure[]> {
  const binaries = await ensureTemporalServer();
  const database = await createTestDatabase();
  const suffix = randomBytes(5).toString('hex');
  const temporalDbs = { database: `temporal_bench_${suffix}`, visibilityDatabase: `temporal_bench_${suffix}_vis` };
  const dataDir = mkdtempSync(join(tmpdir(), 'stampflow-bench-stack-'));
  const postmark = await startPostmarkServer({ token: POSTMARK_TOKEN, latencyMs: LATENCY_MS });
  const output: string[] = [];
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  let connection: Connection | undefined;
  try {
    const merchant = await seedMerchant(database.db, 'Bench Café');
    process.stderr.write(`bench: stack: seeding ${RECIPIENTS} card holders…\n`);
    await seedCustomers(database.db, merchant, RECIPIENTS);
    stack = await startStack({
      binaries,
      databaseUrl: database.url,
      temporalDatabases: temporalDbs,
      workers: 1,
      apiPort: await getFreePort(),
      temporalPort: await findFreeTemporalPort(),
      env: {
        STAMPFLOW_DATA_DIR: dataDir,
        POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
        POSTMARK_API_URL: postmark.url,
        NODE_OPTIONS: WORKER_NODE_OPTIONS, // the production worker's heap setting, as in `broadcast`
      },
      output: (line) => {
        output.push(line);
        if (output.length > 200) output.shift();
      },
    });
    connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection, namespace: stack.namespace });
    const ports = { db: database.db, client, launcher: createRunLauncher(client) };

    const figures: Figure[] = [];
    const rates: number[] = [];
    for (const workers of [1, 2]) {
      while (stack.workers().length < workers) await stack.addWorker();
      postmark.reset();
      const roots: Record<string, number> = { temporal: stack.temporal().pid, api: stack.api().pid };
      for (const w of stack.workers()) roots[w.name] = w.pid;
      const meter = new CpuMeter(database.db, roots, process.pid, {
        'pg-temporal': [temporalDbs.database, temporalDbs.visibilityDatabase],
      });
      await meter.start();
      const writes0 = await rowWrites(database.db, [
        database.name,
        temporalDbs.database,
        temporalDbs.visibilityDatabase,
      ]);
      process.stderr.write(`bench: stack: broadcast to ${RECIPIENTS} with ${workers} worker(s)…\n`);
      const t0 = performance.now();
      const started = await startRun(ports, merchant.merchantId, GRAPH);
      const status = await waitForRun(ports, started);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = await meter.stop(RECIPIENTS);
      // An idle backend reports the counters of its last second only after 10 s idle
      // (PGSTAT_IDLE_INTERVAL); read sooner, up to a second of writes per backend is missing.
      await new Promise((r) => setTimeout(r, 11_000));
      const writes1 = await rowWrites(database.db, [
        database.name,
        temporalDbs.database,
        temporalDbs.visibilityDatabase,
      ]);
      const perRecipient = (name: string) => ((writes1.get(name) ?? 0) - (writes0.get(name) ?? 0)) / RECIPIENTS;
      const counts = await deliveryCounts(ports, started.runId);
      if (
        status !== 'completed' ||
        counts['push:sent'] !== RECIPIENTS ||
        counts['email:sent'] !== RECIPIENTS ||
        postmark.sent.length !== RECIPIENTS
      ) {
        throw new Error(
          `stack run with ${workers} worker(s) ended ${status} with ${JSON.stringify(counts)}, ${postmark.sent.length} emails at Postmark\n${output.slice(-30).join('\n')}`,
        );
      }
      const history = await ports.launcher.history(started.workflowId, { maxEvents: 1_000_000 });
      const events = history.runs.reduce((n, r) => n + r.events.length, 0);
      const rate = RECIPIENTS / seconds;
      rates.push(rate);
      const key = `stack.workers_${workers}`;
      figures.push(
        { name: `${key}.recipients_per_s`, value: rate, unit: 'recipients/s' },
        { name: `${key}.seconds`, value: seconds, unit: 's' },
        { name: `${key}.history_events`, value: events, unit: 'events' },
        { name: `${key}.history_runs`, value: history.runs.length, unit: 'runs' },
        { name: `${key}.cpu_workers_s`, value: sumOf(cpu, (g) => g.startsWith('worker-')), unit: 's' },
        { name: `${key}.cpu_temporal_s`, value: cpu.temporal ?? 0, unit: 's' },
        { name: `${key}.cpu_postgres_stampflow_s`, value: cpu.postgres ?? 0, unit: 's' },
        { name: `${key}.cpu_postgres_temporal_s`, value: cpu['pg-temporal'] ?? 0, unit: 's' },
        { name: `${key}.cpu_bench_postmark_s`, value: cpu.bench ?? 0, unit: 's' },
        { name: `${key}.pg_row_writes_per_recipient`, value: perRecipient(database.name), unit: 'rows' },
        {
          name: `${key}.temporal_row_writes_per_recipient`,
          value: perRecipient(temporalDbs.database) + perRecipient(temporalDbs.visibilityDatabase),
          unit: 'rows',
        },
      );
      if (workers === 1) figures.push({ name: 'stack.history_events', value: events, unit: 'events' });
    }
    figures.push({ name: 'stack.workers_2_over_1', value: rates[1]! / rates[0]!, unit: 'x' });
    return figures;
  } finally {
    await connection?.close();
    await stack?.stop();
    await postmark.close();
    await database.drop();
    for (const name of Object.values(temporalDbs)) await dropDatabase(name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function sumOf(cpu: Record<string, number>, pick: (group: string) => boolean): number {
  return Object.entries(cpu)
    .filter(([g]) => pick(g))
    .reduce((a, [, s]) => a + s, 0);
}

/** Rows inserted, updated and deleted so far in each database (pg_stat_database). */
async function rowWrites(db: Db, names: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await sql<{ datname: string; n: number }>`
    select datname, (tup_inserted + tup_updated + tup_deleted)::float8 as n
    from pg_stat_database where datname = any(${names as string[]})`.execute(db);
  return new Map(rows.map((r) => [r.datname, Number(r.n)]));
}
