/**
 * The full Temporal server (frontend, history, matching and worker services in one process)
 * on Postgres, as the production shape runs it: `npm run stack` and the stack tests start it
 * with the repository's config (`deploy/temporal/stampflow.yaml`, the same file the
 * `temporal` service of docker-compose.yml uses).
 *
 * Starting it: the schema script brings the `temporal` and `temporal_visibility` databases
 * up to date (creating them the first time), the server starts, and once its frontend
 * answers, the namespace is registered when it is missing. State lives in Postgres, so a
 * restarted server (even after SIGKILL) carries on with every run and timer.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { Logger } from '../../engine/log';
import { repoRoot, type TemporalServerBinaries } from './cli-path';
import { portIsFree, spawnServerProcess, waitUntilReady, type ServerExit } from './server-process';

/** The config directory and environment name the server loads (`<dir>/<env>.yaml`). */
export const CONFIG_DIR = join(repoRoot, 'deploy', 'temporal');
const CONFIG_ENV = 'stampflow';
const SCHEMA_SCRIPT = join(CONFIG_DIR, 'schema.sh');

export interface TemporalPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Default `temporal`. */
  readonly database?: string;
  /** Default `temporal_visibility`. */
  readonly visibilityDatabase?: string;
}

export interface TemporalServerOptions {
  readonly binaries: TemporalServerBinaries;
  readonly postgres: TemporalPostgres;
  /** Frontend gRPC port (default 7233); the other services take ports just above it (see the config). */
  readonly port?: number;
  /** Registered when missing (default `default`). */
  readonly namespace?: string;
  /** Fixed when the database is first set up (default 4). */
  readonly historyShards?: number;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Receives the server's output lines; silent when absent. */
  readonly log?: Logger | undefined;
  /** How long to wait for the frontend (default 90 s: the first start creates the schemas). */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 20 s). */
  readonly stopTimeoutMs?: number;
}

export interface TemporalServer {
  /** `127.0.0.1:<port>`: what `Connection.connect({ address })` takes. */
  readonly address: string;
  readonly port: number;
  readonly namespace: string;
  /** The server's process group (the watchdog's pid): `process.kill(-pid, 'SIGKILL')` kills it. */
  readonly pid: number;
  /** Resolves when the server has exited (expectedly or not); never rejects. */
  readonly exited: Promise<ServerExit>;
  /** SIGTERM, wait for exit, SIGKILL after the stop timeout. Idempotent. */
  stop(): Promise<void>;
}

/** The ports the config gives the services, relative to the frontend's (stampflow.yaml). */
const PORT_OFFSETS = [0, 1, 2, 6, 10, 100, 101, 102, 106];
const MAX_OFFSET = Math.max(...PORT_OFFSETS);
const MAX_MEMBERSHIP_PORT = 32_767;
const IP = '127.0.0.1';
/** gRPC status codes (grpc.io/docs/guides/status-codes). */
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/**
 * A frontend port whose whole block of service ports is free a moment ago, for tests and
 * benchmarks that run a server beside others (random bases between 20000 and 32000).
 */
export async function findFreeTemporalPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if (await blockIsFree(base)) return base;
  }
  throw new Error('no free block of ports for a Temporal server between 20000 and 32106');
}

async function blockIsFree(port: number): Promise<boolean> {
  const free = await Promise.all(PORT_OFFSETS.map((offset) => portIsFree(IP, port + offset)));
  return free.every(Boolean);
}

/** The variables stampflow.yaml and schema.sh read. */
function configEnv(opts: TemporalServerOptions, port: number): Record<string, string> {
  const pg = opts.postgres;
  return {
    TEMPORAL_PORT: String(port),
    TEMPORAL_BIND_IP: IP,
    TEMPORAL_DB_HOST: pg.host,
    TEMPORAL_DB_PORT: String(pg.port),
    TEMPORAL_DB_USER: pg.user,
    TEMPORAL_DB_PASSWORD: pg.password,
    TEMPORAL_DB: pg.database ?? 'temporal',
    TEMPORAL_VISIBILITY_DB: pg.visibilityDatabase ?? 'temporal_visibility',
    TEMPORAL_HISTORY_SHARDS: String(opts.historyShards ?? 4),
    TEMPORAL_LOG_LEVEL: opts.logLevel ?? 'warn',
    TEMPORAL_DYNAMIC_CONFIG: join(CONFIG_DIR, 'dynamicconfig.yaml'),
    TEMPORAL_SQL_TOOL: opts.binaries.sqlTool,
  };
}

/** Creates or upgrades the two databases (`deploy/temporal/schema.sh`); throws with its output. */
export async function prepareTemporalSchema(opts: TemporalServerOptions): Promise<void> {
  const env = { ...process.env, ...configEnv(opts, opts.port ?? 7233) };
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('sh', [SCHEMA_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0)
    throw new Error(`Temporal schema set-up failed (${SCHEMA_SCRIPT}, exit ${code}):\n${output.join('').slice(-3000)}`);
  for (const line of output.join('').split('\n')) if (line.trim()) opts.log?.info('temporal schema', { line });
}

/** Starts the server and resolves once its frontend answers and the namespace exists. */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<TemporalServer> {
  const port = opts.port ?? 7233;
  const namespace = opts.namespace ?? 'default';
  const startTimeoutMs = opts.startTimeoutMs ?? 90_000;
  if (port + MAX_OFFSET > MAX_MEMBERSHIP_PORT) {
    // Temporal keeps the services' membership ports in a smallint column.
    throw new Error(
      `Temporal server: port ${port} is too high; the services use up to ${port + MAX_OFFSET}, and Temporal stores them as numbers up to ${MAX_MEMBERSHIP_PORT}`,
    );
  }
  // A server that has just been killed may hold its ports for a moment longer.
  const portsDeadline = Date.now() + 5_000;
  while (Date.now() < portsDeadline && !(await blockIsFree(port))) await sleep(100);
  for (const offset of PORT_OFFSETS) {
    if (!(await portIsFree(IP, port + offset))) {
      throw new Error(
        `Temporal server: port ${IP}:${port + offset} is taken (the services use ${port}–${port + 106}; another ` +
          'Temporal server, `npm start` or `npm run stack`?). Stop it, or choose another port.',
      );
    }
  }
  await prepareTemporalSchema(opts);

  const args = ['--root', CONFIG_DIR, '--config', '.', '--env', CONFIG_ENV, '--allow-no-auth', 'start'];
  const server = spawnServerProcess({
    label: 'temporal server',
    command: opts.binaries.server,
    args,
    env: configEnv(opts, port),
    log: opts.log,
    stopTimeoutMs: opts.stopTimeoutMs ?? 20_000,
  });
  const address = `${IP}:${port}`;
  try {
    // `temporal-system` exists from the first start; the namespace may not yet.
    await waitUntilReady({ address, namespace: 'temporal-system', startTimeoutMs, server });
    await ensureNamespace(address, namespace, startTimeoutMs);
  } catch (err) {
    await server.stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Temporal server (${opts.binaries.server} ${args.join(' ')}) ${reason}${server.lastOutput()}`);
  }
  opts.log?.info('temporal server ready', { address, namespace });
  return { address, port, namespace, pid: server.pid, exited: server.exited, stop: () => server.stop() };
}

/**
 * Registers the namespace when the server does not know it (retention 7 days), then waits
 * until the frontend serves it: a new namespace reaches the services' caches within
 * seconds, and a worker polling before that would be refused.
 */
async function ensureNamespace(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + timeoutMs;
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      if (grpcCode(err) !== NOT_FOUND) throw err;
    }
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('7 days'),
      });
    } catch (err) {
      if (grpcCode(err) !== ALREADY_EXISTS) throw err;
    }
    for (;;) {
      try {
        // Visibility answers only once every service knows the namespace.
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(250);
      }
    }
  } finally {
    await connection.close();
  }
}

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
