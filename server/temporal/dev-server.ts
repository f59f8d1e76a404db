/**
 * Runs the Temporal dev server (`temporal server start-dev`, SQLite-backed) as a child
 * process: `npm start` uses it with a database file under the data dir so runs and timers
 * survive restarts; the tests use the SDK's TestWorkflowEnvironment instead. The process
 * never outlives ours (see `server-process.ts`).
 */
import type { Logger } from '../../engine/log';
import { getFreePort, portIsFree, spawnServerProcess, waitUntilReady, type ServerExit } from './server-process';

export { getFreePort } from './server-process';

export interface DevServerOptions {
  /** Path of the Temporal CLI (see `ensureTemporalCli`). */
  readonly cliPath: string;
  /** SQLite file for persistent state; in-memory (lost on stop) when absent. */
  readonly dbFilename?: string | undefined;
  /** Frontend gRPC port; a free port when absent. */
  readonly port?: number | undefined;
  /** IP the frontend (and UI) bind to (default 127.0.0.1). */
  readonly ip?: string | undefined;
  /** Web UI port (0 = a free port); `false` or absent = headless. */
  readonly uiPort?: number | false | undefined;
  /** Namespace to create besides `default` (which always exists). */
  readonly namespace?: string | undefined;
  /** The server's own log level (default `warn`). */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  /** Receives lifecycle events and the server's output lines; silent when absent. */
  readonly log?: Logger | undefined;
  /** How long to wait for the frontend to answer (default 60 s). */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 15 s). */
  readonly stopTimeoutMs?: number;
  /** More `start-dev` flags, e.g. `['--dynamic-config-value', 'K=V']`. */
  readonly extraArgs?: readonly string[];
}

export type DevServerExit = ServerExit;

export interface DevServer {
  /** `127.0.0.1:<port>`: what `Connection.connect({ address })` takes. */
  readonly address: string;
  readonly port: number;
  readonly namespace: string;
  /** The Web UI, when enabled. */
  readonly uiUrl?: string;
  readonly pid: number;
  /** Resolves when the server process has exited (expectedly or not); never rejects. */
  readonly exited: Promise<DevServerExit>;
  /** SIGTERM, wait for exit, SIGKILL after `stopTimeoutMs`. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the dev server and resolves once its frontend answers gRPC calls. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  // A port we picked may be taken between picking and binding: pick again, twice at most.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, opts.port ?? (await getFreePort(opts.ip ?? '127.0.0.1')));
    } catch (err) {
      const retry = opts.port === undefined && attempt < 3 && err instanceof DevServerStartError && err.portInUse;
      if (!retry) throw err;
    }
  }
}

class DevServerStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
    this.name = 'DevServerStartError';
  }
}

function buildArgs(opts: DevServerOptions, ip: string, port: number, uiPort: number | undefined): string[] {
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port)];
  if (uiPort !== undefined) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  args.push('--namespace', 'default');
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  args.push('--log-level', opts.logLevel ?? 'warn');
  args.push(...(opts.extraArgs ?? []));
  return args;
}

async function startOnce(opts: DevServerOptions, port: number): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  // A taken port must fail here: the readiness check would otherwise reach whatever already
  // listens there (another `npm start`'s server) and this process would share its task queue.
  for (const [what, p] of [
    ['frontend', port],
    ['web UI', typeof opts.uiPort === 'number' && opts.uiPort > 0 ? opts.uiPort : undefined],
  ] as const) {
    if (p !== undefined && !(await portIsFree(ip, p))) {
      throw new DevServerStartError(
        `Temporal dev server: the ${what} port ${ip}:${p} is taken (another Temporal server or \`npm start\`?). ` +
          'Stop it, or set TEMPORAL_ADDRESS to use the server that is there.',
        true,
      );
    }
  }
  const namespace = opts.namespace ?? 'default';
  const uiPort =
    opts.uiPort === false || opts.uiPort === undefined ? undefined : opts.uiPort || (await getFreePort(ip));
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;
  const args = buildArgs(opts, ip, port, uiPort);
  const address = `${ip}:${port}`;
  const commandLine = [opts.cliPath, ...args].join(' ');

  const server = spawnServerProcess({
    label: 'temporal dev server',
    command: opts.cliPath,
    args,
    log: opts.log,
    stopTimeoutMs,
  });

  try {
    await waitUntilReady({ address, namespace, startTimeoutMs, server });
  } catch (err) {
    await server.stop();
    const reason = err instanceof Error ? err.message : String(err);
    const portInUse = server.printed(/address already in use/i);
    throw new DevServerStartError(`Temporal dev server (${commandLine}) ${reason}${server.lastOutput()}`, portInUse);
  }
  opts.log?.info('temporal dev server ready', {
    address,
    namespace,
    uiUrl: uiPort && `http://${ip}:${uiPort}`,
    db: opts.dbFilename,
  });

  return {
    address,
    port,
    namespace,
    ...(uiPort !== undefined ? { uiUrl: `http://${ip}:${uiPort}` } : {}),
    pid: server.pid,
    exited: server.exited,
    stop: () => server.stop(),
  };
}
