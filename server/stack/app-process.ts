/**
 * One Stampflow process of the production shape (`server/main.ts` with STAMPFLOW_ROLE=api or
 * worker) as a child of the stack: its output lines carry its name as a prefix, and `start`
 * resolves once it is ready (the API answers /healthz; a worker has logged `worker running`).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../temporal/cli-path';

export interface AppExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface AppProcess {
  /** `api`, `worker-1`, … */
  readonly name: string;
  readonly role: 'api' | 'worker';
  readonly pid: number;
  /** Resolves when the process has exited; never rejects. */
  readonly exited: Promise<AppExit>;
  /** True until the process has exited. */
  running(): boolean;
  /** Sends `signal` (SIGTERM: a graceful stop) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<AppExit>;
}

export interface AppProcessOptions {
  readonly name: string;
  readonly role: 'api' | 'worker';
  /** The process's environment on top of ours (DATABASE_URL, TEMPORAL_ADDRESS, PORT, …). */
  readonly env: Record<string, string>;
  /** Receives every output line, already prefixed. */
  readonly output: (line: string) => void;
  /** Width the names are padded to, so the prefixes line up. */
  readonly prefixWidth?: number;
  readonly startTimeoutMs?: number;
}

const MAIN = join(repoRoot, 'server', 'main.ts');

/** Children still running: stopped when this process exits, however it ends short of SIGKILL. */
const live = new Set<ReturnType<typeof spawn>>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

export async function startAppProcess(opts: AppProcessOptions): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env, STAMPFLOW_ROLE: opts.role },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `${opts.name.padEnd(opts.prefixWidth ?? 10)}| `;
  let ready = false;
  const tail: string[] = [];
  const lines = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (opts.role === 'worker' && line.includes('"worker running"')) ready = true;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        opts.output(prefix + line);
      }
    };
  };
  child.stdout.on('data', lines());
  child.stderr.on('data', lines());
  let exit: AppExit | undefined;
  live.add(child);
  child.once('exit', () => live.delete(child));
  const exited = new Promise<AppExit>((resolve) => {
    child.once('error', () => resolve((exit = { code: null, signal: null })));
    child.once('exit', (code, signal) => resolve((exit = { code, signal })));
  });

  const app: AppProcess = {
    name: opts.name,
    role: opts.role,
    pid: child.pid ?? -1,
    exited,
    running: () => exit === undefined,
    async kill(signal = 'SIGTERM') {
      if (exit) return exit;
      child.kill(signal);
      return exited;
    },
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  const apiUrl = `http://127.0.0.1:${opts.env.PORT ?? '3000'}/healthz`;
  while (!ready) {
    if (exit)
      throw new Error(
        `${opts.name} exited while starting (${exit.signal ?? `exit code ${exit.code}`}):\n${tail.join('\n')}`,
      );
    if (Date.now() > deadline) {
      await app.kill('SIGKILL');
      throw new Error(`${opts.name} was not ready within ${opts.startTimeoutMs ?? 120_000} ms:\n${tail.join('\n')}`);
    }
    if (opts.role === 'api')
      ready = await fetch(apiUrl).then(
        (r) => r.ok,
        () => false,
      );
    if (!ready) await sleep(200);
  }
  return app;
}
