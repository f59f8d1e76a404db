import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '../../server/temporal/dev-server';

/** The repository root (this file is two levels below it), the API's working directory. */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));

/** A running API process: where it listens, its pid (for the CPU meter), and how to stop it. */
export interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  kill(): Promise<void>;
}

/**
 * The production API process (`STAMPFLOW_ROLE=api`): Hono on @hono/node-server with the
 * cohort batcher. Its log (one access line per request) goes to a file, as it would to a
 * log collector; ready when `/healthz` answers 200.
 */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
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
