/**
 * journeys: 10,000 `stamp` events posted to the HTTP API by 20 concurrent clients, each
 * leaving a card one stamp from its reward, with a reward-ready push journey published.
 *
 * The real stack: the production API process (`engine/main.ts`, STAMPFLOW_ROLE=api: Hono
 * on @hono/node-server with the cohort batcher) on a local port, the production worker
 * process, a Temporal dev server of its own and a fresh database on the Postgres server.
 * Figures: events accepted per second over the posting phase; per customer, the time from
 * just before its POST to its push delivery row (`deliveries.updated_at`, Postgres's clock
 * on this machine; checked against ours); and the end-to-end delivery rate against the
 * same work done as one small workflow per event (the `naive` approach) in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { hashApiKey } from '../engine/auth/api-key';
import { recordEvent } from '../engine/customers/events';
import type { Db } from '../engine/db/database';
import { ensureTemporalCli } from '../engine/temporal/cli-path';
import { getFreePort, startDevServer } from '../engine/temporal/dev-server';
import { journey, node } from '../test/journeys/graphs';
import { createTestDatabase } from '../test/support/database';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../test/support/seed';
import { startWorkerProcess } from '../test/support/worker-process';
import { WORKER_NODE_OPTIONS } from './broadcast';
import type { Figure } from './figures';
import { mean, percentile } from './stats';

const EVENTS = Number(process.env.BENCH_JOURNEYS_EVENTS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_JOURNEYS_CLIENTS ?? 20);
const NAIVE_EVENTS = Number(process.env.BENCH_JOURNEYS_NAIVE_EVENTS ?? 1_000);
/** As `naive.ts`: workflow starts in flight at once. */
const NAIVE_IN_FLIGHT = 50;
/** How long the pushes may take to be recorded after the last POST before the bench gives up. */
const DELIVERY_TIMEOUT_MS = 180_000;
const PUSH_TEXT = 'One more stamp! ☕';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const MAIN = fileURLToPath(new URL('../engine/main.ts', import.meta.url));

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
    await seedCustomers(db, merchant, EVENTS, { stamps: () => stampsRequired - 2 });
    const apiKey = `sf_live_${randomBytes(16).toString('hex')}`;
    await db
      .updateTable('merchants')
      .set({ api_key_hash: hashApiKey(apiKey) })
      .where('id', '=', merchant.merchantId)
      .execute();
    await sql`analyze`.execute(db);

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

    // The journey, published through the API as a merchant would.
    const call = (path: string, body?: unknown) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    const graph = journey({ trigger: 'event', event: 'reward_ready' }, [node('nudge', 'push', { text: PUSH_TEXT })]);
    const created = await call('/v1/flows', { name: 'Reward ready', graph });
    if (created.status !== 201) throw new Error(`create flow: HTTP ${created.status} ${await created.text()}`);
    const flowId = ((await created.json()) as { id: string }).id;
    const published = await call(`/v1/flows/${flowId}/publish`);
    if (published.status !== 201) throw new Error(`publish flow: HTTP ${published.status} ${await published.text()}`);

    // The posting phase: CLIENTS lanes, each taking the next customer until none are left.
    const ids = (
      await db
        .selectFrom('customers')
        .select('id')
        .where('merchant_id', '=', merchant.merchantId)
        .orderBy('id')
        .execute()
    ).map((r) => r.id);
    const sentAt = new Map<string, number>();
    const answered: number[] = [];
    const failures: string[] = [];
    process.stderr.write(`bench: posting ${ids.length} stamp events from ${CLIENTS} clients…\n`);
    const meter = new CpuMeter(db, { api: api.pid, worker: worker.pid, temporal: temporal.pid }, process.pid);
    await meter.start();
    const waits = new WaitSampler(db);
    let next = 0;
    const t0 = Date.now();
    const lane = async () => {
      while (next < ids.length && failures.length === 0) {
        const customerId = ids[next++]!;
        const before = Date.now();
        sentAt.set(customerId, before);
        const res = await call('/v1/events', { customerId, type: 'stamp' });
        const body = (await res.json()) as { entered?: number };
        answered.push(Date.now() - before);
        if (res.status !== 202 || body.entered !== 1)
          failures.push(`${customerId}: HTTP ${res.status} ${JSON.stringify(body)}`);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, lane));
    const tPosted = Date.now();
    if (failures.length > 0) throw new Error(`stamp events failed: ${failures.slice(0, 3).join('; ')}`);
    const postSeconds = (tPosted - t0) / 1000;
    process.stderr.write(
      `bench: ${ids.length} events accepted in ${postSeconds.toFixed(2)} s; waiting for the pushes…\n`,
    );

    const pushes = await waitForPushes(db, flowId, ids.length, tPosted);
    await meter.stop(ids.length);
    waits.stop();
    const latencies: number[] = [];
    for (const p of pushes) latencies.push(p.at - sentAt.get(p.customer_id)!);
    const lastPush = Math.max(...pushes.map((p) => p.at));
    const engineRate = ids.length / ((lastPush - t0) / 1000);
    await printStages(db, flowId, sentAt);
    await printRunHistories(db, temporal.address, flowId);

    // Give the machine to the baseline.
    await api.kill();
    await worker.kill();
    const naive = await runNaive(db, temporal.address, temporal.pid, stampsRequired);

    return [
      { name: 'journeys.events', value: ids.length, unit: 'events' },
      { name: 'journeys.post_seconds', value: postSeconds, unit: 's' },
      { name: 'journeys.entries_per_s', value: ids.length / postSeconds, unit: 'events/s' },
      { name: 'journeys.post_p50_ms', value: percentile(answered, 50), unit: 'ms' },
      { name: 'journeys.post_p99_ms', value: percentile(answered, 99), unit: 'ms' },
      { name: 'journeys.p50_ms', value: percentile(latencies, 50), unit: 'ms' },
      { name: 'journeys.p99_ms', value: percentile(latencies, 99), unit: 'ms' },
      { name: 'journeys.max_ms', value: Math.max(...latencies), unit: 'ms' },
      { name: 'journeys.deliveries_per_s', value: engineRate, unit: 'deliveries/s' },
      { name: 'journeys.naive_deliveries_per_s', value: naive.rate, unit: 'deliveries/s' },
      { name: 'journeys.naive_p50_ms', value: naive.p50, unit: 'ms' },
      { name: 'journeys.vs_naive', value: engineRate / naive.rate, unit: 'x' },
      { name: 'journeys.clock_offset_ms', value: clockOffsetMs, unit: 'ms' },
    ];
  } finally {
    await stopAll();
  }
}

/**
 * Latencies mix our clock (before each POST) with Postgres's (`now()` in the push
 * transaction): the server must be this machine, and its clock must read as ours does.
 * Returns Postgres's clock minus ours, from the midpoint of a round trip.
 */
async function checkClock(db: Db, url: string): Promise<number> {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1', ''].includes(host)) {
    throw new Error(
      `journeys compares this process's clock with Postgres's: the server must run on this machine (got host ${host})`,
    );
  }
  const offsets: number[] = [];
  for (let i = 0; i < 5; i++) {
    const before = Date.now();
    const { rows } = await sql<{
      ms: number;
    }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`.execute(db);
    const after = Date.now();
    offsets.push(rows[0]!.ms - (before + after) / 2);
  }
  const offset = percentile(offsets, 50);
  if (Math.abs(offset) > 5) throw new Error(`Postgres's clock is ${offset.toFixed(1)} ms off this process's`);
  return offset;
}

async function cardStamps(db: Db, m: SeededMerchant): Promise<number> {
  const card = await db
    .selectFrom('cards')
    .select('stamps_required')
    .where('id', '=', m.cardId)
    .executeTakeFirstOrThrow();
  return card.stamps_required;
}

interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  kill(): Promise<void>;
}

/**
 * The production API process (`STAMPFLOW_ROLE=api`): Hono on @hono/node-server with the
 * cohort batcher. Its log (one access line per request) goes to a file, as it would to a
 * log collector; ready when `/healthz` answers 200.
 */
async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const port = await getFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'stampflow-bench-api-'));
  const logPath = join(dir, 'api.log');
  const fd = openSync(logPath, 'w');
  // e.g. BENCH_JOURNEYS_API_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the API's time goes.
  const nodeArgs = (process.env.BENCH_JOURNEYS_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN], {
    cwd: REPO,
    env: {
      ...process.env,
      ...env,
      STAMPFLOW_ROLE: 'api',
      PORT: String(port),
      STAMPFLOW_DATA_DIR: dir,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = readFileSync(logPath, 'utf8').slice(-2000);
      await kill();
      throw new Error(`API process exited with ${child.exitCode}:\n${log}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { url, pid: child.pid ?? -1, kill };
    if (Date.now() > deadline) {
      const log = readFileSync(logPath, 'utf8').slice(-2000);
      await kill();
      throw new Error(`API process did not become ready:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Push {
  readonly customer_id: string;
  /** `deliveries.updated_at` in ms since the epoch. */
  readonly at: number;
}

/** Waits until every customer's push of the flow is recorded; answers them. */
async function waitForPushes(db: Db, flowId: string, expected: number, since: number): Promise<Push[]> {
  const count = async () =>
    (
      await sql<{ n: number }>`
        select count(*)::int as n from deliveries d join runs r on r.id = d.run_id
        where r.flow_id = ${flowId} and d.channel = 'push' and d.status = 'sent'`.execute(db)
    ).rows[0]!.n;
  for (;;) {
    const n = await count();
    if (n >= expected) break;
    if (Date.now() - since > DELIVERY_TIMEOUT_MS) {
      const runs = await db
        .selectFrom('runs')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('flow_id', '=', flowId)
        .groupBy('status')
        .execute();
      throw new Error(
        `only ${n} of ${expected} pushes recorded ${DELIVERY_TIMEOUT_MS / 1000} s after the last event; runs: ${JSON.stringify(runs)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rows } = await sql<Push>`
    select d.customer_id, (extract(epoch from d.updated_at) * 1000)::float8 as at
    from deliveries d join runs r on r.id = d.run_id
    where r.flow_id = ${flowId} and d.channel = 'push' and d.status = 'sent'`.execute(db);
  if (new Set(rows.map((r) => r.customer_id)).size !== expected || rows.length !== expected) {
    throw new Error(`expected one push for each of ${expected} customers, got ${rows.length} rows`);
  }
  return rows;
}

/**
 * Where the time goes, per customer, from the rows the stages leave: the event (`at`, set
 * by the handler after auth), its entry (`created_at`: the event transaction's start), the
 * cohort run (`created_at`: the batcher's claim; `started_at`: the audience snapshot in the
 * worker) and the push row. Printed to stderr, not recorded.
 */
async function printStages(db: Db, flowId: string, sentAt: ReadonlyMap<string, number>): Promise<void> {
  const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
  const { rows } = await sql<{
    customer_id: string;
    event: number;
    entry: number;
    claimed: number;
    started: number;
    pushed: number;
    finished: number | null;
  }>`
    select fe.customer_id, ${ms('e.at')} as event, ${ms('fe.created_at')} as entry, ${ms('r.created_at')} as claimed,
      ${ms('r.started_at')} as started, ${ms('d.updated_at')} as pushed, ${ms('r.finished_at')} as finished
    from flow_entries fe
    join events e on fe.entry_key = 'event:' || e.id
    join runs r on r.id = fe.run_id
    join deliveries d on d.run_id = r.id and d.customer_id = fe.customer_id and d.channel = 'push'
    where fe.flow_id = ${flowId}`.execute(db);
  const stage = (name: string, values: number[]) =>
    process.stderr.write(
      `  ${name.padEnd(44)} p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(values, 99).toFixed(1).padStart(7)} ms  max ${Math.max(
        ...values,
      )
        .toFixed(1)
        .padStart(7)} ms\n`,
    );
  process.stderr.write('bench: journeys stages per customer:\n');
  stage(
    'POST → handler (HTTP, auth)',
    rows.map((r) => r.event - sentAt.get(r.customer_id)!),
  );
  stage(
    'handler → event transaction start',
    rows.map((r) => r.entry - r.event),
  );
  stage(
    'entry → cohort run claimed (batcher)',
    rows.map((r) => r.claimed - r.entry),
  );
  stage(
    'claimed → snapshot (workflow start, activity)',
    rows.map((r) => r.started - r.claimed),
  );
  stage(
    'snapshot → push recorded',
    rows.map((r) => r.pushed - r.started),
  );
  stage(
    'POST → push recorded',
    rows.map((r) => r.pushed - sentAt.get(r.customer_id)!),
  );
  const runs = await sql<{ members: number; seconds: number }>`
    select member_count as members, extract(epoch from finished_at - created_at)::float8 as seconds from runs where flow_id = ${flowId}`.execute(
    db,
  );
  const members = runs.rows.map((r) => r.members);
  process.stderr.write(
    `bench: ${runs.rows.length} cohort runs, members min ${Math.min(...members)} / mean ${mean(members).toFixed(0)} / max ${Math.max(...members)}; ` +
      `run created → finished p50 ${(
        percentile(
          runs.rows.map((r) => r.seconds),
          50,
        ) * 1000
      ).toFixed(0)} ms\n`,
  );
}

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
async function runNaive(
  db: Db,
  address: string,
  temporalPid: number,
  stampsRequired: number,
): Promise<{ rate: number; p50: number }> {
  const merchant = await seedMerchant(db, 'Naive Café');
  await seedCustomers(db, merchant, NAIVE_EVENTS, { stamps: () => stampsRequired - 2 });
  const runId = (
    await db
      .insertInto('flows')
      .values({ merchant_id: merchant.merchantId, name: 'naive', graph: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await db
    .insertInto('runs')
    .values({
      id: runId,
      merchant_id: merchant.merchantId,
      flow_id: runId,
      version: 1,
      workflow_id: `naive-${runId}`,
      status: 'running',
      send_at: null,
      error: null,
      started_at: new Date(),
      finished_at: null,
    })
    .execute();
  const ids = (
    await db.selectFrom('customers').select('id').where('merchant_id', '=', merchant.merchantId).orderBy('id').execute()
  ).map((r) => r.id);

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

/**
 * CPU time spent by each part of the stack over a phase (`bench` is this process: the HTTP
 * clients, or the baseline's worker; Postgres counts this database's backends), and by the whole machine, from
 * /proc every 500 ms. Printed to stderr, not recorded: it says where the time goes.
 */
class CpuMeter {
  private readonly base = new Map<string, Map<number, number>>();
  private readonly last = new Map<string, Map<number, number>>();
  private timer: NodeJS.Timeout | undefined;
  private machine0 = { busy: 0, all: 0 };
  private t0 = 0;

  constructor(
    private readonly db: Db,
    private readonly roots: Record<string, number>,
    /** This process alone (its children are the roots). */
    private readonly self: number,
  ) {}

  async start(): Promise<void> {
    this.t0 = Date.now();
    this.machine0 = machineTicks();
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false).catch(() => undefined), 500);
    this.timer.unref();
  }

  async stop(events: number): Promise<void> {
    clearInterval(this.timer);
    await this.sample(false);
    const wall = (Date.now() - this.t0) / 1000;
    const m = machineTicks();
    const cores = os.cpus().length;
    const machineBusy = ((m.busy - this.machine0.busy) / (m.all - this.machine0.all)) * wall * cores;
    let ours = 0;
    process.stderr.write(`bench: CPU over ${wall.toFixed(1)} s (first event → last push), ${cores} cores:\n`);
    for (const [group, pids] of this.last) {
      const base = this.base.get(group)!;
      let ms = 0;
      for (const [pid, v] of pids) ms += v - (base.get(pid) ?? 0);
      ours += ms / 1000;
      process.stderr.write(
        `  ${group.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${(ms / events).toFixed(2).padStart(6)} ms/event\n`,
      );
    }
    process.stderr.write(
      `  machine busy ${machineBusy.toFixed(1)} s of ${(wall * cores).toFixed(1)} s; not this bench: ${(machineBusy - ours).toFixed(1)} s\n`,
    );
  }

  private async sample(first: boolean): Promise<void> {
    const { rows } = await sql<{
      pid: number;
    }>`select pid from pg_stat_activity where datname = current_database()`.execute(this.db);
    const groups: Record<string, number[]> = { postgres: rows.map((r) => r.pid) };
    const tree = processTree();
    for (const [name, pid] of Object.entries(this.roots)) groups[name] = descendants(tree, pid);
    groups['bench'] = [this.self];
    for (const [name, pids] of Object.entries(groups)) {
      const last = this.last.get(name) ?? new Map<number, number>();
      const base = this.base.get(name) ?? new Map<number, number>();
      this.last.set(name, last);
      this.base.set(name, base);
      for (const pid of pids) {
        const ms = cpuMs(pid);
        if (ms === undefined) continue;
        if (first) base.set(pid, ms); // a process born later started from 0
        last.set(pid, ms);
      }
    }
  }
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** ppid → children, for every process. */
function processTree(): Map<number, number[]> {
  const tree = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      tree.set(ppid, [...(tree.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  return tree;
}

function descendants(tree: Map<number, number[]>, root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(tree.get(out[i]!) ?? []));
  return out;
}

function machineTicks(): { busy: number; all: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: all - idle, all };
}

/**
 * What this database's client backends are doing, sampled every 100 ms from
 * pg_stat_activity: running, waiting for a row lock, waiting for the WAL flush of a commit,
 * or idle inside a transaction (waiting for the API's next statement). Printed to stderr.
 */
class WaitSampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly db: Db) {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 100);
    this.timer.unref();
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await sql<{ what: string; n: number }>`
        select case
            when state = 'idle in transaction' then 'idle in transaction (waiting for the client)'
            when state = 'active' and wait_event_type = 'Lock' then 'lock: ' || wait_event
            when state = 'active' and wait_event_type is not null then lower(wait_event_type) || ': ' || wait_event
            when state = 'active' then 'running'
            else 'idle' end as what, count(*)::int as n
        from pg_stat_activity
        where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()
        group by 1`.execute(this.db);
      this.samples++;
      for (const r of rows) this.counts.set(r.what, (this.counts.get(r.what) ?? 0) + r.n);
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    process.stderr.write(`bench: Postgres client backends of this database, mean over ${this.samples} samples:\n`);
    for (const [what, n] of [...this.counts].sort((a, b) => b[1] - a[1])) {
      process.stderr.write(`  ${(n / this.samples).toFixed(2).padStart(6)}  ${what}\n`);
    }
  }
}

/**
 * Where a cohort run's time goes inside Temporal, from the histories of up to 40 of the
 * runs (evenly spread): the start (run row → workflow started), and per activity the wait
 * for a worker slot (scheduled → started), its execution, and the workflow task that
 * reacts to it (completed → next activity scheduled, or the workflow's end). Printed to stderr.
 */
async function printRunHistories(db: Db, address: string, flowId: string): Promise<void> {
  const runs = await db
    .selectFrom('runs')
    .select(['workflow_id', 'created_at'])
    .where('flow_id', '=', flowId)
    .orderBy('created_at')
    .execute();
  const step = Math.max(1, Math.floor(runs.length / 40));
  const picked = runs.filter((_, i) => i % step === 0).slice(0, 40);
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const spans = new Map<string, number[]>();
    const add = (name: string, ms: number) => (spans.get(name) ?? spans.set(name, []).get(name)!).push(ms);
    for (const run of picked) {
      const history = await client.workflow.getHandle(run.workflow_id).fetchHistory();
      const events = history.events ?? [];
      const at = (e: (typeof events)[number]) =>
        Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
      const first = events[0];
      if (!first) continue;
      add('run row → workflow started', at(first) - run.created_at.getTime());
      const scheduled = new Map<string, { name: string; t: number }>();
      let reacted: { name: string; t: number } | undefined;
      for (const e of events) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s) {
          const name = s.activityType?.name ?? '?';
          scheduled.set(String(e.eventId), { name, t: at(e) });
          if (reacted) add(`  ${reacted.name} done → ${name} scheduled (workflow task)`, at(e) - reacted.t);
          else add(`  workflow started → ${name} scheduled (first workflow task)`, at(e) - at(first));
          reacted = undefined;
        }
        const started = e.activityTaskStartedEventAttributes;
        if (started) {
          const s0 = scheduled.get(String(started.scheduledEventId));
          if (s0) add(`  ${s0.name}: scheduled → started (slot, poll)`, at(e) - s0.t);
        }
        const done = e.activityTaskCompletedEventAttributes;
        if (done) {
          const s0 = scheduled.get(String(done.scheduledEventId));
          const startedAt = events.find((x) => String(x.eventId) === String(done.startedEventId));
          if (s0 && startedAt) add(`  ${s0.name}: started → completed (runs)`, at(e) - at(startedAt));
          if (s0) reacted = { name: s0.name, t: at(e) };
        }
        if (e.workflowExecutionCompletedEventAttributes) {
          if (reacted) add(`  ${reacted.name} done → workflow completed`, at(e) - reacted.t);
          add('workflow started → completed', at(e) - at(first));
        }
      }
    }
    process.stderr.write(`bench: inside Temporal, ${picked.length} of ${runs.length} cohort runs:\n`);
    for (const [name, values] of spans) {
      process.stderr.write(
        `  ${name.padEnd(62)} p50 ${percentile(values, 50).toFixed(0).padStart(5)} ms  p99 ${percentile(values, 99).toFixed(0).padStart(5)} ms\n`,
      );
    }
  } finally {
    await connection.close();
  }
}
