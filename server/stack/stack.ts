/**
 * The production shape on one machine, without Docker: a Temporal server on Postgres, one
 * Stampflow API process (STAMPFLOW_ROLE=api) and N worker processes (STAMPFLOW_ROLE=worker),
 * each its own process, as docker-compose.yml draws it. `npm run stack` runs it for people
 * (scripts/stack.ts); the stack tests and `npm run bench -- stack` drive it through the
 * handles below (kill a worker, restart the API or Temporal).
 */
import pg from 'pg';
import type { TemporalServerBinaries } from '../temporal/cli-path';
import { startTemporalServer, type TemporalServer } from '../temporal/temporal-server';
import { startAppProcess, type AppProcess } from './app-process';

export interface StackOptions {
  readonly binaries: TemporalServerBinaries;
  /** Stampflow's own database (created when missing); Temporal's live beside it on the same server. */
  readonly databaseUrl: string;
  /** Temporal's databases (default `temporal`, `temporal_visibility`). */
  readonly temporalDatabases?: { readonly database: string; readonly visibilityDatabase: string };
  readonly workers: number;
  /** The API's HTTP port (default 3000). */
  readonly apiPort?: number;
  /** The Temporal frontend's port (default 7233). */
  readonly temporalPort?: number;
  readonly namespace?: string;
  /** More environment for the API and the workers (Postmark, wallet, …). */
  readonly env?: Record<string, string>;
  /** Receives every output line, prefixed with its process's name. */
  readonly output: (line: string) => void;
}

export interface Stack {
  readonly apiUrl: string;
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly temporal: () => TemporalServer;
  readonly api: () => AppProcess;
  /** Every worker started so far, running or not, in start order. */
  readonly workers: () => readonly AppProcess[];
  /** Starts one more worker (`worker-<n>`). */
  addWorker(): Promise<AppProcess>;
  /** Stops the API (SIGTERM, or SIGKILL) and starts a new one on the same port. */
  restartApi(signal?: NodeJS.Signals): Promise<void>;
  /** Stops Temporal (SIGTERM to its process group, or SIGKILL) and starts it again on the same databases. */
  restartTemporal(signal?: NodeJS.Signals): Promise<void>;
  /** Workers and API first (they finish their work), then Temporal. Idempotent. */
  stop(): Promise<void>;
}

const NAME_WIDTH = 10;

export async function startStack(opts: StackOptions): Promise<Stack> {
  const url = new URL(opts.databaseUrl);
  await createDatabaseIfMissing(url);
  const apiPort = opts.apiPort ?? 3000;
  const namespace = opts.namespace ?? 'default';
  const temporalOptions = {
    binaries: opts.binaries,
    postgres: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username) || 'postgres',
      password: decodeURIComponent(url.password),
      ...opts.temporalDatabases,
    },
    port: opts.temporalPort ?? 7233,
    namespace,
    log: {
      info: (msg: string, fields?: Record<string, unknown>) => opts.output(line('temporal', msg, fields)),
      warn: (msg: string, fields?: Record<string, unknown>) => opts.output(line('temporal', msg, fields)),
      error: (msg: string, fields?: Record<string, unknown>) => opts.output(line('temporal', msg, fields)),
    },
  };
  let temporal = await startTemporalServer(temporalOptions);
  const appEnv = {
    ...opts.env,
    DATABASE_URL: opts.databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: namespace,
    PORT: String(apiPort),
  };
  const start = (name: string, role: 'api' | 'worker') =>
    startAppProcess({ name, role, env: appEnv, output: opts.output, prefixWidth: NAME_WIDTH });

  const workers: AppProcess[] = [];
  let api: AppProcess | undefined;
  let stopped = false;
  try {
    // The API first: it migrates the database, so the workers find it ready.
    api = await start('api', 'api');
    const names = Array.from({ length: opts.workers }, (_, i) => `worker-${i + 1}`);
    workers.push(...(await Promise.all(names.map((name) => start(name, 'worker')))));
  } catch (err) {
    await Promise.all([api, ...workers].map((p) => p?.kill()));
    await temporal.stop();
    throw err;
  }

  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    temporalAddress: temporal.address,
    namespace,
    temporal: () => temporal,
    api: () => api!,
    workers: () => workers,
    async addWorker() {
      const worker = await start(`worker-${workers.length + 1}`, 'worker');
      workers.push(worker);
      return worker;
    },
    async restartApi(signal = 'SIGTERM') {
      await api!.kill(signal);
      api = await start('api', 'api');
    },
    async restartTemporal(signal = 'SIGTERM') {
      if (signal === 'SIGTERM') await temporal.stop();
      else {
        process.kill(-temporal.pid, signal); // the watchdog's group: the server dies at once
        await temporal.exited;
      }
      temporal = await startTemporalServer(temporalOptions);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([api, ...workers].map((p) => p?.kill('SIGTERM')));
      await temporal.stop();
    },
  };
}

/** One line of the stack's own output for `name`, as the processes' lines look. */
function line(name: string, msg: string, fields?: Record<string, unknown>): string {
  const text = typeof fields?.line === 'string' ? fields.line : `${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`;
  return `${name.padEnd(NAME_WIDTH)}| ${text}`;
}

/** `create database` for the URL's database when the server does not have it yet. */
async function createDatabaseIfMissing(url: URL): Promise<void> {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL ${url.origin} names no database`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
