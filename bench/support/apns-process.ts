/**
 * The local APNs server (`test/apns/server-cli.ts`) as a process of its own, so the sender
 * under test shares no event loop with it, as with the real APNs. Its stats come over a
 * plain HTTP control port.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../test/apns/server-cli.ts', import.meta.url));

export interface ApnsStats {
  readonly delivered: number;
  readonly requests: number;
  readonly maxConcurrentStreams: number;
  readonly uniqueTokens: number;
  readonly sessions: number;
}

export interface ApnsProcess {
  /** `https://127.0.0.1:PORT`: APNS_URL. */
  readonly url: string;
  readonly pid: number;
  stats(): Promise<ApnsStats>;
  /** Clears the counters (deliveries, requests, streams, sessions). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startApnsProcess(certsDir: string, latencyMs: number): Promise<ApnsProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--certs', certsDir, '--latency', String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const ready = await new Promise<{ url: string; statsUrl: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`apns server did not start in time:\n${stderr}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(out.slice(0, newline)) as { url: string; statsUrl: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`apns server exited with ${code}:\n${stderr}`));
    });
  });
  const resetUrl = ready.statsUrl.replace(/\/stats$/, '/reset');
  return {
    url: ready.url,
    pid: child.pid ?? -1,
    async stats() {
      const res = await fetch(ready.statsUrl);
      if (!res.ok) throw new Error(`apns stats answered ${res.status}`);
      return (await res.json()) as ApnsStats;
    },
    async reset() {
      const res = await fetch(resetUrl, { method: 'POST' });
      if (!res.ok) throw new Error(`apns reset answered ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
