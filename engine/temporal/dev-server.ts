/**
 * Runs the Temporal dev server (`temporal server start-dev`, SQLite-backed) as a child
 * process: `npm start` uses it with a database file under the data dir so runs and timers
 * survive restarts; the tests use the SDK's TestWorkflowEnvironment instead.
 *
 * The server never outlives this process: on POSIX it runs under a small bash watchdog that
 * holds a pipe from us and stops the server when the pipe closes, which happens however this
 * process ends (even SIGKILL); on a normal exit we also signal it directly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from '../log';

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

export interface DevServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

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

/** A TCP port that was free a moment ago (listen on 0, read the port, close). */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close((err) => (err ? reject(err) : port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
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

// Runs "$@" (the CLI) and stops it when our stdin (a pipe from the parent) reaches EOF,
// i.e. when the parent closes it in stop() or dies. Exits with the CLI's status.
const WATCHDOG = `
exec 3<&0
"$@" </dev/null 3<&- &
server=$!
{ read -r _ <&3; kill -TERM "$server" 2>/dev/null; sleep "$STAMPFLOW_DEV_SERVER_KILL_AFTER" </dev/null >/dev/null 2>&1 3<&-; kill -KILL "$server" 2>/dev/null; } &
watcher=$!
exec 3<&- 0</dev/null
wait "$server"; status=$?
kill "$watcher" 2>/dev/null
exit "$status"
`;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function signalServer(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal); // the whole group: watchdog and server
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) signalServer(child, 'SIGTERM');
  });
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

/** True when nothing listens on `host:port` (we could bind it a moment ago). */
async function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
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
  const uiPort = opts.uiPort === false || opts.uiPort === undefined ? undefined : opts.uiPort || (await getFreePort(ip));
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;
  const args = buildArgs(opts, ip, port, uiPort);
  const address = `${ip}:${port}`;
  const commandLine = [opts.cliPath, ...args].join(' ');

  const posix = process.platform !== 'win32';
  const child = posix
    ? spawn('bash', ['-c', WATCHDOG, 'temporal-dev-server', opts.cliPath, ...args], {
        detached: true, // own process group, so a SIGKILL fallback reaches the server too
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, STAMPFLOW_DEV_SERVER_KILL_AFTER: String(Math.ceil(stopTimeoutMs / 1000)) },
      })
    : spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  let stopping = false;
  const tail: string[] = [];
  const remember = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (stopping) continue; // shutdown chatter (cancelled polls and the like)
        if (stream === 'stdout') opts.log?.info('temporal dev server', { line });
        else opts.log?.warn('temporal dev server', { line });
      }
    };
  };
  child.stdin?.on('error', () => undefined); // EPIPE once the watchdog is gone
  child.stdout?.on('data', remember('stdout'));
  child.stderr?.on('data', remember('stderr'));
  const lastOutput = () => (tail.length ? `\n--- last output of the server ---\n${tail.join('\n')}` : ' (no output)');

  let spawnError: Error | undefined;
  const exited = new Promise<DevServerExit>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  live.add(child);
  installExitHook();
  void exited.then((exit) => {
    live.delete(child);
    if (!stopping && !spawnError) opts.log?.error('temporal dev server exited', { address, ...exit });
  });

  const stop = async (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      if (posix) child.stdin?.end(); // the watchdog sends SIGTERM to the server and waits
      else signalServer(child, 'SIGTERM');
    }
    const timer = setTimeout(() => signalServer(child, 'SIGKILL'), stopTimeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    await waitUntilReady({ address, namespace, startTimeoutMs, exited, spawnErrorRef: () => spawnError });
  } catch (err) {
    await stop();
    const reason = err instanceof Error ? err.message : String(err);
    const portInUse = tail.some((line) => /address already in use/i.test(line));
    throw new DevServerStartError(`Temporal dev server (${commandLine}) ${reason}${lastOutput()}`, portInUse);
  }
  opts.log?.info('temporal dev server ready', { address, namespace, uiUrl: uiPort && `http://${ip}:${uiPort}`, db: opts.dbFilename });

  return {
    address,
    port,
    namespace,
    ...(uiPort !== undefined ? { uiUrl: `http://${ip}:${uiPort}` } : {}),
    pid: child.pid ?? -1,
    exited,
    stop,
  };
}

function tcpProbe(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitUntilReady(args: {
  address: string;
  namespace: string;
  startTimeoutMs: number;
  exited: Promise<DevServerExit>;
  spawnErrorRef: () => Error | undefined;
}): Promise<void> {
  const deadline = Date.now() + args.startTimeoutMs;
  const [host, portText] = [args.address.slice(0, args.address.lastIndexOf(':')), args.address.slice(args.address.lastIndexOf(':') + 1)];
  let exit: DevServerExit | undefined;
  void args.exited.then((e) => (exit = e));
  let lastError = 'the frontend port never accepted a connection';

  const checkExit = () => {
    const spawnError = args.spawnErrorRef();
    if (spawnError) throw new Error(`could not be started: ${spawnError.message}`);
    if (exit) throw new Error(`exited before it was ready (${exit.signal ?? `exit code ${exit.code}`})`);
  };

  while (Date.now() < deadline) {
    await sleep(100);
    checkExit();
    if (!(await tcpProbe(host, Number(portText)))) continue;
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address: args.address, connectTimeout: Math.max(1_000, Math.min(5_000, deadline - Date.now())) });
      // Every call has a deadline: something on the port that accepts TCP but never answers
      // gRPC would otherwise hold the start past its own timeout.
      const ready = connection;
      const callDeadline = Math.min(deadline, Date.now() + 5_000);
      await ready.withDeadline(callDeadline, () => ready.workflowService.getSystemInfo({}));
      await ready.withDeadline(callDeadline, () => ready.workflowService.describeNamespace({ namespace: args.namespace }));
      return;
    } catch (err) {
      lastError = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  checkExit();
  throw new Error(`did not become ready at ${args.address} within ${args.startTimeoutMs} ms (${lastError})`);
}
