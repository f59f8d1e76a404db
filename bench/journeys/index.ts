/**
 * journeys: 10,000 `stamp` events posted to the HTTP API by 20 concurrent clients in batches
 * of 100 (`{events: [...]}`), each leaving a card one stamp from its reward, with a
 * one-stamp-to-go push journey published; then, as a second figure, 2,000 more events posted
 * one per request (`journeys.single_entries_per_s`).
 *
 * The real stack: the production API process (`server/main.ts`, STAMPFLOW_ROLE=api: Hono
 * on @hono/node-server with the cohort batcher) on a local port, the production worker
 * process, a Temporal dev server of its own and a fresh database on the Postgres server.
 * Figures: events accepted per second over the posting phase; per customer, the time from
 * just before its POST to its push delivery row (`deliveries.updated_at`, Postgres's clock
 * on this machine; checked against ours); and the end-to-end delivery rate against the
 * same work done as one small workflow per event (the `naive` approach) in the same run.
 *
 * `BENCH_JOURNEYS_STACK=1` runs the same scenario on the production shape (`npm run stack`:
 * the Temporal server on Postgres, one API and one worker process) and names the figures
 * `journeys.stack.*`, to be recorded beside the dev server's (without the naive baseline).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { issueApiKey } from '../../engine/accounts/api-keys';
import type { Db } from '../../engine/db/database';
import { startStack } from '../../server/stack/stack';
import { ensureTemporalCli, ensureTemporalServer } from '../../server/temporal/cli-path';
import { startDevServer } from '../../server/temporal/dev-server';
import { getFreePort } from '../../server/temporal/server-process';
import { findFreeTemporalPort } from '../../server/temporal/temporal-server';
import { journey, node } from '../../test/journeys/graphs';
import { createTestDatabase, dropDatabase, type TestDatabase } from '../../test/support/database';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { startWorkerProcess } from '../../test/support/worker-process';
import { WORKER_NODE_OPTIONS } from '../broadcast';
import type { Figure } from '../figures';
import { percentile } from '../stats';
import { startApiProcess } from './api-process';
import { checkClock } from './clock';
import { CpuMeter } from '../support/cpu-meter';
import { runNaive } from './naive';
import { PUSH_TEXT, waitForPushes } from './pushes';
import { printRunHistories } from './run-histories';
import { printStages } from './stages';
import { WaitSampler } from './wait-sampler';
import { WriteCounts } from './write-counts';

const EVENTS = Number(process.env.BENCH_JOURNEYS_EVENTS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_JOURNEYS_CLIENTS ?? 20);
/** Events per request in the main phase (1 posts one event per request, as before batches). */
const BATCH = Number(process.env.BENCH_JOURNEYS_BATCH ?? 100);
/** Events posted one per request after the main phase (0 skips that phase). */
const SINGLE_EVENTS = Number(process.env.BENCH_JOURNEYS_SINGLE_EVENTS ?? 2_000);
/** 1: also print the rows and index entries written per event, per phase (adds 11 s per phase). */
const WRITE_COUNTS = process.env.BENCH_JOURNEYS_WRITE_COUNTS === '1';
/** 1: the same scenario on the production shape (`npm run stack`), figures `journeys.stack.*`, no naive baseline. */
const STACK = process.env.BENCH_JOURNEYS_STACK === '1';

/** An answer as the load generator needs it: the status and the parsed body. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
}
type Call = (path: string, body?: unknown) => Promise<Answer>;

/**
 * The load generator's HTTP client: `node:http` over keep-alive connections, one per lane.
 * It shares the machine with what it measures, so it should cost little: `fetch` (undici)
 * cost 1.8 ms of CPU per single-event request here, as much as the API answering it.
 */
function httpCaller(baseUrl: string, apiKey: string): Call {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  return (path, body) =>
    new Promise<Answer>((resolve, reject) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          timeout: 30_000,
          headers: {
            Authorization: `Bearer ${apiKey}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON: the text itself, for the error message.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`POST ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
}

/** What one posting phase measured. */
interface Posted {
  readonly seconds: number;
  /** Milliseconds from each request's start to its answer. */
  readonly answered: number[];
  /** Per customer, when the request carrying its event started. */
  readonly sentAt: Map<string, number>;
  readonly t0: number;
  readonly tPosted: number;
}

/**
 * Posts a stamp for each customer from CLIENTS concurrent lanes, `batch` events per request
 * (a batch of 1 is posted as a single-event body); fails on any event that was not accepted
 * or did not enter the journey.
 */
async function post(call: Call, ids: readonly string[], batch: number): Promise<Posted> {
  const sentAt = new Map<string, number>();
  const answered: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const t0 = Date.now();
  const lane = async () => {
    while (next < ids.length && failures.length === 0) {
      const chunk = ids.slice(next, next + batch);
      next += chunk.length;
      const before = Date.now();
      for (const id of chunk) sentAt.set(id, before);
      if (batch === 1) {
        const res = await call('/v1/events', { customerId: chunk[0], type: 'stamp' });
        const body = res.body as { entered?: number };
        if (res.status !== 202 || body.entered !== 1) failures.push(`${chunk[0]}: HTTP ${res.status} ${JSON.stringify(body)}`);
      } else {
        const res = await call('/v1/events', { events: chunk.map((customerId) => ({ customerId, type: 'stamp' })) });
        const body = res.body as { results?: { entered?: number }[] };
        const bad = (body.results ?? []).findIndex((r) => r.entered !== 1);
        if (res.status !== 200 || body.results?.length !== chunk.length || bad >= 0)
          failures.push(`batch at ${chunk[0]}: HTTP ${res.status} ${JSON.stringify(body.results?.[bad] ?? body).slice(0, 300)}`);
      }
      answered.push(Date.now() - before);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, lane));
  const tPosted = Date.now();
  if (failures.length > 0) throw new Error(`stamp events failed: ${failures.slice(0, 3).join('; ')}`);
  return { seconds: (tPosted - t0) / 1000, answered, sentAt, t0, tPosted };
}

/**
 * Runs the scenario: seeds the card holders, starts Temporal, the worker and the API,
 * publishes the journey, posts the events, waits for every push, breaks the time down on
 * stderr and then runs the naive baseline on the same Temporal server.
 */
export async function run(): Promise<Figure[]> {
  const database = await createTestDatabase();
  const db = database.db;
  const stops: Array<() => Promise<void>> = [async () => database.drop()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse())
      await stop().catch((err: unknown) => process.stderr.write(`bench: cleanup: ${String(err)}\n`));
  };
  try {
    const clockOffsetMs = await checkClock(db, database.url);

    // The merchant and its card holders, each two stamps from the reward.
    const merchant = await seedMerchant(db, 'Journeys Café');
    const stampsRequired = await cardStamps(db, merchant);
    process.stderr.write(
      `bench: seeding ${EVENTS} card holders at ${stampsRequired - 2} of ${stampsRequired} stamps…\n`,
    );
    await seedCustomers(db, merchant, EVENTS + SINGLE_EVENTS, { stamps: () => stampsRequired - 2 });
    const { key: apiKey } = await issueApiKey(db, { merchantId: merchant.merchantId, name: 'Bench', createdBy: null });
    await sql`analyze`.execute(db);

    const { temporal, worker, api, databases } = STACK ? await productionShape(database, stops) : await devServerShape(database, stops);

    // The journey, published through the API as a merchant would.
    const call = httpCaller(api.url, apiKey);
    const graph = journey({ trigger: 'event', event: 'one_stamp_to_go' }, [node('nudge', 'push', { text: PUSH_TEXT })]);
    const created = await call('/v1/flows', { name: 'Reward ready', graph });
    if (created.status !== 201) throw new Error(`create flow: HTTP ${created.status} ${JSON.stringify(created.body)}`);
    const flowId = (created.body as { id: string }).id;
    const published = await call(`/v1/flows/${flowId}/publish`);
    if (published.status !== 201) throw new Error(`publish flow: HTTP ${published.status} ${JSON.stringify(published.body)}`);

    // The posting phase: CLIENTS lanes, each taking the next BATCH customers until none are left.
    const all = (
      await db
        .selectFrom('customers')
        .select('id')
        .where('merchant_id', '=', merchant.merchantId)
        .orderBy('id')
        .execute()
    ).map((r) => r.id);
    const ids = all.slice(0, EVENTS);
    process.stderr.write(`bench: posting ${ids.length} stamp events from ${CLIENTS} clients, ${BATCH} per request…\n`);
    const meter = new CpuMeter(db, { api: api.pid, worker: worker.pid, temporal: temporal.pid }, process.pid, databases);
    await meter.start();
    const waits = new WaitSampler(db);
    const writes = WRITE_COUNTS ? new WriteCounts(db) : undefined;
    await writes?.start();
    const posted = await post(call, ids, BATCH);
    const { sentAt, t0, tPosted, answered } = posted;
    const postSeconds = posted.seconds;
    process.stderr.write(
      `bench: ${ids.length} events accepted in ${postSeconds.toFixed(2)} s; waiting for the pushes…\n`,
    );

    const pushes = await waitForPushes(db, flowId, ids.length, tPosted);
    await meter.stop(ids.length);
    waits.stop();
    await writes?.stop(ids.length);
    const latencies: number[] = [];
    for (const p of pushes) latencies.push(p.at - sentAt.get(p.customer_id)!);
    const lastPush = Math.max(...pushes.map((p) => p.at));
    const engineRate = ids.length / ((lastPush - t0) / 1000);
    await printStages(db, flowId, sentAt);
    await printRunHistories(db, temporal.address, flowId);

    // The second figure: the same events, one per request, after the first phase has drained.
    let single: Posted | undefined;
    if (SINGLE_EVENTS > 0) {
      const singles = all.slice(EVENTS);
      process.stderr.write(`bench: posting ${singles.length} stamp events from ${CLIENTS} clients, one per request…\n`);
      const singleMeter = new CpuMeter(db, { api: api.pid, worker: worker.pid, temporal: temporal.pid }, process.pid, databases);
      await singleMeter.start();
      const singleWaits = new WaitSampler(db);
      const singleWrites = WRITE_COUNTS ? new WriteCounts(db) : undefined;
      await singleWrites?.start();
      single = await post(call, singles, 1);
      process.stderr.write(`bench: ${singles.length} single events accepted in ${single.seconds.toFixed(2)} s\n`);
      await waitForPushes(db, flowId, all.length, single.tPosted);
      await singleMeter.stop(singles.length);
      singleWaits.stop();
      await singleWrites?.stop(singles.length);
      await printStages(db, flowId, single.sentAt);
    }

    const figures: Figure[] = [
      { name: 'journeys.events', value: ids.length, unit: 'events' },
      { name: 'journeys.post_seconds', value: postSeconds, unit: 's' },
      { name: 'journeys.batch_size', value: BATCH, unit: 'events' },
      { name: 'journeys.entries_per_s', value: ids.length / postSeconds, unit: 'events/s' },
      ...(single
        ? [
            { name: 'journeys.single_entries_per_s', value: (all.length - ids.length) / single.seconds, unit: 'events/s' },
            { name: 'journeys.single_post_p99_ms', value: percentile(single.answered, 99), unit: 'ms' },
          ]
        : []),
      { name: 'journeys.post_p50_ms', value: percentile(answered, 50), unit: 'ms' },
      { name: 'journeys.post_p99_ms', value: percentile(answered, 99), unit: 'ms' },
      { name: 'journeys.p50_ms', value: percentile(latencies, 50), unit: 'ms' },
      { name: 'journeys.p99_ms', value: percentile(latencies, 99), unit: 'ms' },
      { name: 'journeys.max_ms', value: Math.max(...latencies), unit: 'ms' },
      { name: 'journeys.deliveries_per_s', value: engineRate, unit: 'deliveries/s' },
      { name: 'journeys.clock_offset_ms', value: clockOffsetMs, unit: 'ms' },
    ];
    // On the production shape the figures are named `journeys.stack.*`, beside the dev server's.
    if (STACK) return figures.map((f) => ({ ...f, name: f.name.replace(/^journeys\./, 'journeys.stack.') }));

    // Give the machine to the baseline.
    await api.kill();
    await worker.kill();
    const naive = await runNaive(db, temporal.address, temporal.pid, stampsRequired);
    return [
      ...figures,
      { name: 'journeys.naive_deliveries_per_s', value: naive.rate, unit: 'deliveries/s' },
      { name: 'journeys.naive_p50_ms', value: naive.p50, unit: 'ms' },
      { name: 'journeys.vs_naive', value: engineRate / naive.rate, unit: 'x' },
    ];
  } finally {
    await stopAll();
  }
}

/** The processes under test: their pids (for the CPU meter), Temporal's address and how to stop them. */
interface Shape {
  readonly temporal: { readonly address: string; readonly pid: number };
  readonly worker: { readonly pid: number; kill(): Promise<void> };
  readonly api: { readonly url: string; readonly pid: number; kill(): Promise<void> };
  /** More Postgres groups for the CPU meter (Temporal's own databases on the production shape). */
  readonly databases?: Record<string, readonly string[]>;
}

/** A Temporal dev server, the production worker process and the production API process. */
async function devServerShape(database: TestDatabase, stops: Array<() => Promise<void>>): Promise<Shape> {
  const temporal = await startDevServer({ cliPath: await ensureTemporalCli(), uiPort: false });
  stops.push(() => temporal.stop());
  const worker = await startWorkerProcess({
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    NODE_OPTIONS: WORKER_NODE_OPTIONS,
  });
  stops.push(() => worker.kill());
  const api = await startApiProcess({ DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address });
  stops.push(() => api.kill());
  return { temporal, worker, api };
}

/**
 * `npm run stack`'s shape (`BENCH_JOURNEYS_STACK=1`): the Temporal server on Postgres (two
 * databases of its own), one API process and one worker process.
 */
async function productionShape(database: TestDatabase, stops: Array<() => Promise<void>>): Promise<Shape> {
  const suffix = randomBytes(5).toString('hex');
  const temporalDbs = { database: `temporal_bench_${suffix}`, visibilityDatabase: `temporal_bench_${suffix}_vis` };
  const dataDir = mkdtempSync(join(tmpdir(), 'stampflow-bench-journeys-stack-'));
  stops.push(async () => {
    for (const name of Object.values(temporalDbs)) await dropDatabase(name);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const output: string[] = [];
  const stack = await startStack({
    binaries: await ensureTemporalServer(),
    databaseUrl: database.url,
    temporalDatabases: temporalDbs,
    workers: 1,
    apiPort: await getFreePort(),
    temporalPort: await findFreeTemporalPort(),
    env: { STAMPFLOW_DATA_DIR: dataDir, NODE_OPTIONS: WORKER_NODE_OPTIONS },
    output: (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
    },
  });
  stops.push(() => stack.stop());
  const worker = stack.workers()[0]!;
  return {
    temporal: { address: stack.temporalAddress, pid: stack.temporal().pid },
    worker: { pid: worker.pid, kill: async () => void (await worker.kill()) },
    api: { url: stack.apiUrl, pid: stack.api().pid, kill: async () => void (await stack.api().kill()) },
    databases: { 'pg-temporal': [temporalDbs.database, temporalDbs.visibilityDatabase] },
  };
}

async function cardStamps(db: Db, m: SeededMerchant): Promise<number> {
  const card = await db
    .selectFrom('cards')
    .select('stamps_required')
    .where('id', '=', m.cardId)
    .executeTakeFirstOrThrow();
  return card.stamps_required;
}
