/**
 * `npm start`: Stampflow in one process on embedded defaults — the HTTP API, the Temporal
 * worker and (unless TEMPORAL_ADDRESS is set) a Temporal dev server whose state lives in
 * the data directory, on Postgres from DATABASE_URL or an embedded PGlite database.
 * STAMPFLOW_ROLE=api|worker runs one half, for production (see docker-compose.yml).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { createPostmarkSender } from '../engine/channels/email/postmark-sender';
import type { EmailSender } from '../engine/channels/email/types';
import { createApp } from './api/app';
import { loadConfig, ConfigError, type Config } from '../engine/config';
import { openDatabase, type Db } from '../engine/db/database';
import { migrateToLatest } from '../engine/db/migrate';
import { log } from '../engine/log';
import { seedDemo } from './seed';
import { ensureTemporalCli } from './temporal/cli-path';
import { startDevServer } from './temporal/dev-server';
import { createCohortBatcher } from '../engine/runs/cohort-batcher';
import { startRetentionTimer } from './retention-timer';
import { openWallet, type OpenWallet } from './wallet-setup';
import { joinPageUrl } from '../engine/wallet/wallet';
import { temporalConnectionOptions, type TemporalConnectionOptions } from './temporal/connection';
import { createRunLauncher, TASK_QUEUE } from './temporal/run-launcher';
import { bundleInChildProcess, createWorker, installRuntimeLogger } from './temporal/worker';

type Stop = () => Promise<void>;

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntimeLogger('INFO');
  const stops: Stop[] = [];
  const db = await openDatabase({
    url: config.databaseUrl,
    pgliteDir: join(config.dataDir, 'pglite'),
    poolSize: config.databasePoolSize,
  });
  stops.push(() => db.destroy());
  await migrateToLatest(db);
  // Before Temporal: a bad wallet credential stops the start at once, naming it.
  const wallet = openWallet(config);
  stops.push(() => wallet.close());

  const emailSender = config.postmarkServerToken
    ? createPostmarkSender({
        serverToken: config.postmarkServerToken,
        apiUrl: config.postmarkApiUrl,
        timeoutMs: config.postmarkTimeoutMs,
      })
    : undefined;

  const temporal = temporalConnectionOptions(config, await temporalAddress(config, stops));
  const worker =
    config.role === 'api' ? undefined : await startWorker(config, db, temporal, { wallet, emailSender }, stops);
  // History retention runs beside the worker (background work, like the activities).
  if (config.role !== 'api') stops.unshift(startRetentionTimer(db, config.retention));

  if (config.role !== 'worker') {
    const connection = await Connection.connect(temporal);
    stops.unshift(() => connection.close());
    const client = new Client({ connection, namespace: config.temporalNamespace });
    const launcher = createRunLauncher(client);
    // Journey entries from events become cohort runs; every API process batches (SKIP LOCKED).
    // On a server the batcher has connections of its own: under a burst of events every
    // connection of the request pool is held by intake transactions, and the batcher's claims
    // queued behind them (100–270 ms each), so entries waited for runs while events poured in.
    const batcherDb = config.databaseUrl ? await openDatabase({ url: config.databaseUrl, poolSize: 2 }) : db;
    if (batcherDb !== db) stops.push(() => batcherDb.destroy());
    const batcher = createCohortBatcher({ db: batcherDb, launcher });
    batcher.start();
    stops.unshift(() => batcher.stop());
    const app = createApp({
      db,
      launcher,
      batcher,
      adminToken: config.adminToken,
      temporalUi: temporalUi(config),
      editorDir: fileURLToPath(new URL('../editor/dist', import.meta.url)),
      wallet: wallet.wallet,
      postmarkWebhookAuth: config.postmarkWebhookAuth,
      emailSender,
      emailFrom: config.emailFrom,
      trustProxy: config.trustProxy,
      telegramApiUrl: config.telegramApiUrl,
      readiness: async () => (worker ? worker.getState() === 'RUNNING' : true) && (await temporalReachable(connection)),
    });
    const server = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' });
    stops.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await announce(config, db);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    for (const stop of stops) await stop().catch((err: unknown) => log.warn('shutdown step failed', { err }));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Where runs link their workflow: TEMPORAL_UI_URL, else the embedded dev server's UI (port 8233). */
function temporalUi(config: Config): { url: string; namespace: string } | undefined {
  const url =
    config.temporalUiUrl ?? (config.temporalAddress ? undefined : `http://localhost:${config.devServerPort + 1000}`);
  return url ? { url, namespace: config.temporalNamespace } : undefined;
}

/** The configured Temporal server, or a dev server started here with its state on disk. */
async function temporalAddress(config: Config, stops: Stop[]): Promise<string> {
  if (config.temporalAddress) return config.temporalAddress;
  const cliPath = await ensureTemporalCli();
  log.info('starting the Temporal dev server', { cliPath });
  const server = await startDevServer({
    cliPath,
    dbFilename: join(config.dataDir, 'temporal.db'),
    port: config.devServerPort,
    uiPort: config.devServerPort + 1000,
    namespace: config.temporalNamespace,
  });
  stops.push(() => server.stop());
  return server.address;
}

async function startWorker(
  config: Config,
  db: Db,
  temporal: TemporalConnectionOptions,
  { wallet, emailSender }: { wallet: OpenWallet; emailSender: EmailSender | undefined },
  stops: Stop[],
) {
  const workflowBundle = await bundleInChildProcess();
  const { worker, connection } = await createWorker({
    workflowBundle,
    address: temporal.address,
    connection: temporal,
    namespace: config.temporalNamespace,
    maxConcurrentActivities: config.workerActivities,
    db,
    channels: {
      emailSender,
      emailFrom: config.emailFrom ?? 'Stampflow <no-reply@stampflow.local>',
      broadcastStream: config.postmarkBroadcastStream,
      wallet: wallet.channel,
      publicUrl: config.publicUrl,
      telegramApiUrl: config.telegramApiUrl,
    },
  });
  rmSync(workflowBundle.codePath, { force: true }); // the worker has read it
  const running = worker.run().catch((err: unknown) => {
    log.error('worker stopped', { err });
    process.exitCode = 1;
  });
  stops.unshift(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });
  log.info('worker running', {
    taskQueue: TASK_QUEUE,
    email: emailSender ? 'postmark' : 'outbox',
    wallet: wallet.summary,
  });
  return worker;
}

async function temporalReachable(connection: Connection): Promise<boolean> {
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  }
}

/** Where a new user joins the demo card on their phone, and where staff stamp them. */
async function demoCardLines(db: Db, merchantId: string, publicUrl: string, url: string): Promise<string[]> {
  const card = await db
    .selectFrom('cards')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .executeTakeFirst();
  if (!card) return [];
  return [
    `  Join the card:   ${joinPageUrl(publicUrl, card.id)}  (the QR poster's page)`,
    `  Counter:         ${url}/counter`,
  ];
}

async function announce(config: Config, db: Db): Promise<void> {
  const demo = config.role === 'all' ? await seedDemo(db, { dataDir: config.dataDir }) : null;
  const url = `http://localhost:${config.port}`;
  const lines = [
    '',
    `  Stampflow is up: ${url}`,
    `  Health:          ${url}/healthz`,
    ...(config.temporalAddress ? [] : [`  Temporal UI:     http://localhost:${config.devServerPort + 1000}`]),
    ...(demo?.login ? [`  Sign in:         ${url}/  as ${demo.login.email} / ${demo.login.password}`] : []),
    ...(demo
      ? [
          ...(await demoCardLines(db, demo.merchantId, config.publicUrl, url)),
          `  Demo API key:    ${demo.apiKey}`,
          `  Try:             curl -H "Authorization: Bearer ${demo.apiKey}" ${url}/v1/customers`,
        ]
      : []),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${err.message}\n`);
  } else {
    log.error('Stampflow failed to start', { err });
  }
  process.exit(1);
});
