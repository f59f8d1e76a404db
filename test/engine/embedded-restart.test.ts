/**
 * The embedded default, as a user runs it: `server/main.ts` with no DATABASE_URL and no
 * TEMPORAL_ADDRESS (PGlite and the Temporal dev server, both keeping their state in the data
 * directory). A run waits on a timer, Stampflow is stopped, started again on the same data
 * directory, and the run finishes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hc } from 'hono/client';
import type { AppType } from '../../server/api/app';
import { getFreePort } from '../../server/temporal/dev-server';
import { readOk } from '../api/harness';
import { broadcastGraph } from '../support/graphs';

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));

let dir: string;
let port: number;
let temporalPort: number;
let running: ChildProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stampflow-embedded-'));
  port = await getFreePort();
  temporalPort = await getFreePort();
});
afterAll(async () => {
  if (running && running.exitCode === null) {
    running.kill('SIGKILL');
    await new Promise((resolve) => running?.once('exit', resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `npm start`'s process on the data directory; answers once it says it is up, with its output. */
function start(): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STAMPFLOW_DATA_DIR: dir,
    PORT: String(port),
    STAMPFLOW_TEMPORAL_PORT: String(temporalPort),
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not up after 120 s:\n${out.slice(-3000)}`)), 120_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Stampflow is up')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

it('a run waiting on a timer survives stopping and starting Stampflow on its embedded database and dev server', async () => {
  const first = await start();
  const key = /Demo API key:\s+(sf_live_\w+)/.exec(first.output())?.[1];
  expect(key).toBeTruthy();
  // A new user can join the demo card on their phone and be stamped at the counter.
  expect(first.output()).toMatch(/Join the card:\s+http:\/\/\S+\/join\/[0-9a-f-]{36}/);
  expect(first.output()).toMatch(/Counter:\s+http:\/\/localhost:\d+\/counter/);
  const base = `http://127.0.0.1:${port}`;
  const api = hc<AppType>(base, { headers: { Authorization: `Bearer ${key}` } });
  const runReport = (id: string) => readOk(api.v1.runs[':id'].$get({ param: { id } }));

  // The run must not wait for morning: new merchants have quiet hours (21:00–09:00 their
  // time), which held the push whenever this test ran in the evening.
  await readOk(api.v1.merchant.settings.$put({ json: { quietHours: null } }));
  const graph = broadcastGraph({
    push: 'See you soon',
    waitSeconds: 20,
    email: { subject: 'Still here', body: 'Come by.' },
  });
  const flow = await readOk(api.v1.flows.$post({ json: { name: 'Across a restart', graph } }));
  await readOk(api.v1.flows[':id'].publish.$post({ param: { id: flow.id } }));
  const { runId } = await readOk(api.v1.flows[':id'].runs.$post({ param: { id: flow.id } }));
  let report: Awaited<ReturnType<typeof runReport>>;
  const reachesWait = Date.now() + 120_000;
  for (;;) {
    report = await runReport(runId);
    if ((report.steps['wait']?.waiting ?? 0) > 0) break;
    if (Date.now() > reachesWait) throw new Error(`the run never reached its wait: ${JSON.stringify(report.steps)}`);
    await sleep(200);
  }
  // The timer is pending: everyone got the push, nobody the email yet.
  const members = report.counts.members;
  expect(members).toBeGreaterThan(0);
  expect(report.steps['push']?.sent).toBe(members);
  expect(report.steps['email']?.entered ?? 0).toBe(0);
  expect(await stop(first.child)).toBe(0);

  await start();
  const deadline = Date.now() + 120_000;
  for (;;) {
    report = await runReport(runId);
    if (report.status === 'completed' || Date.now() > deadline) break;
    await sleep(500);
  }
  expect(report.status).toBe('completed');
  expect(report.steps['wait']?.entered).toBe(members);
  expect(report.steps['email']?.entered).toBe(members);
  expect(report.steps['push']?.sent).toBe(members); // no push twice
}, 300_000);
