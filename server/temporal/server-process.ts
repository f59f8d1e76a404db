/**
 * A Temporal server as a child process that never outlives this one, and the wait until its
 * frontend answers: shared by the dev server (`dev-server.ts`, the CLI's `start-dev` on
 * SQLite) and the full server on Postgres (`temporal-server.ts`).
 *
 * On POSIX the server runs under a small bash watchdog that holds a pipe from us and stops
 * the server when the pipe closes, which happens however this process ends (even SIGKILL);
 * on a normal exit we also signal it directly. The watchdog and the server share a process
 * group of their own, so a SIGKILL fallback (or a test's kill) reaches both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from '../../engine/log';

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly pid: number;
  /** Resolves when the process has exited (expectedly or not); never rejects. */
  readonly exited: Promise<ServerExit>;
  /** The spawn error, when the executable could not be started at all. */
  spawnError(): Error | undefined;
  /** The last 40 lines the server printed, for error messages. */
  lastOutput(): string;
  /** True when a line the server printed matches. */
  printed(pattern: RegExp): boolean;
  /** SIGTERM, wait for exit, SIGKILL after the stop timeout. Idempotent. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** What the logs and errors call it, e.g. `temporal dev server`. */
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Receives the server's output lines; silent when absent. */
  readonly log?: Logger | undefined;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  readonly stopTimeoutMs: number;
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

/** True when nothing listens on `host:port` (we could bind it a moment ago). */
export async function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// Runs "$@" (the server) and stops it when our stdin (a pipe from the parent) reaches EOF,
// i.e. when the parent closes it in stop() or dies. Exits with the server's status.
const WATCHDOG = `
exec 3<&0
"$@" </dev/null 3<&- &
server=$!
{ read -r _ <&3; kill -TERM "$server" 2>/dev/null; sleep "$STAMPFLOW_SERVER_KILL_AFTER" </dev/null >/dev/null 2>&1 3<&-; kill -KILL "$server" 2>/dev/null; } &
watcher=$!
exec 3<&- 0</dev/null
wait "$server"; status=$?
kill "$watcher" 2>/dev/null
exit "$status"
`;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
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
    for (const child of live) signalGroup(child, 'SIGTERM');
  });
}

/** Starts the server under the watchdog; see the module comment. */
export function spawnServerProcess(opts: ServerProcessOptions): ServerProcess {
  const posix = process.platform !== 'win32';
  const child = posix
    ? spawn('bash', ['-c', WATCHDOG, opts.label, opts.command, ...opts.args], {
        detached: true, // own process group, so a SIGKILL fallback reaches the server too
        stdio: ['pipe', 'pipe', 'pipe'],
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env, STAMPFLOW_SERVER_KILL_AFTER: String(Math.ceil(opts.stopTimeoutMs / 1000)) },
      })
    : spawn(opts.command, opts.args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
      });

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
        if (stream === 'stdout') opts.log?.info(opts.label, { line });
        else opts.log?.warn(opts.label, { line });
      }
    };
  };
  child.stdin?.on('error', () => undefined); // EPIPE once the watchdog is gone
  child.stdout?.on('data', remember('stdout'));
  child.stderr?.on('data', remember('stderr'));

  let spawnError: Error | undefined;
  const exited = new Promise<ServerExit>((resolve) => {
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
    if (!stopping && !spawnError) opts.log?.error(`${opts.label} exited`, { ...exit });
  });

  return {
    pid: child.pid ?? -1,
    exited,
    spawnError: () => spawnError,
    lastOutput: () => (tail.length ? `\n--- last output of the server ---\n${tail.join('\n')}` : ' (no output)'),
    printed: (pattern) => tail.some((line) => pattern.test(line)),
    async stop() {
      if (!stopping) {
        stopping = true;
        if (posix)
          child.stdin?.end(); // the watchdog sends SIGTERM to the server and waits
        else signalGroup(child, 'SIGTERM');
      }
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), opts.stopTimeoutMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
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

/**
 * Resolves once the frontend at `address` answers `getSystemInfo` and knows `namespace`;
 * throws when the process exits first or the deadline passes. Every call has a deadline:
 * something on the port that accepts TCP but never answers gRPC cannot hold the start past
 * its own timeout.
 */
export async function waitUntilReady(args: {
  address: string;
  namespace: string;
  startTimeoutMs: number;
  server: ServerProcess;
}): Promise<void> {
  const deadline = Date.now() + args.startTimeoutMs;
  const host = args.address.slice(0, args.address.lastIndexOf(':'));
  const port = Number(args.address.slice(args.address.lastIndexOf(':') + 1));
  let exit: ServerExit | undefined;
  void args.server.exited.then((e) => (exit = e));
  let lastError = 'the frontend port never accepted a connection';

  const checkExit = () => {
    const spawnError = args.server.spawnError();
    if (spawnError) throw new Error(`could not be started: ${spawnError.message}`);
    if (exit) throw new Error(`exited before it was ready (${exit.signal ?? `exit code ${exit.code}`})`);
  };

  while (Date.now() < deadline) {
    await sleep(100);
    checkExit();
    if (!(await tcpProbe(host, port))) continue;
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({
        address: args.address,
        connectTimeout: Math.max(1_000, Math.min(5_000, deadline - Date.now())),
      });
      const ready = connection;
      const callDeadline = Math.min(deadline, Date.now() + 5_000);
      await ready.withDeadline(callDeadline, () => ready.workflowService.getSystemInfo({}));
      await ready.withDeadline(callDeadline, () =>
        ready.workflowService.describeNamespace({ namespace: args.namespace }),
      );
      return;
    } catch (err) {
      lastError =
        err instanceof Error
          ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`
          : String(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  checkExit();
  throw new Error(`did not become ready at ${args.address} within ${args.startTimeoutMs} ms (${lastError})`);
}
