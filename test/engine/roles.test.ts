/**
 * `STAMPFLOW_ROLE`: the production split into processes of their own on one Postgres and one
 * Temporal server. An `api` process answers HTTP and executes nothing (a run it starts waits
 * for a worker); a `worker` process serves no HTTP and runs what the API started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hc } from 'hono/client';
import type { AppType } from '../../server/api/app';
import { ensureTemporalCli } from '../../server/temporal/cli-path';
import { getFreePort, startDevServer, type DevServer } from '../../server/temporal/dev-server';
import { readOk } from '../api/harness';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { broadcastGraph } from '../support/graphs';
import { WITHOUT_RULES } from '../support/messaging-rules';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
const ADMIN = 'roles-admin-token-0123456789';

let temporal: DevServer;
let database: TestDatabase;
let api: ChildProcess | undefined;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  temporal = await startDevServer({ cliPath: await ensureTemporalCli(), port: await getFreePort() });
  database = await createTestDatabase();
});
afterAll(async () => {
  await worker?.kill('SIGKILL');
  if (api && api.exitCode === null) {
    api.kill('SIGKILL');
    await new Promise((resolve) => api?.once('exit', resolve));
  }
  await database?.drop();
  await temporal?.stop();
});

function startApi(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      STAMPFLOW_ROLE: 'api',
      PORT: String(port),
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      STAMPFLOW_ADMIN_TOKEN: ADMIN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`api not up:\n${out.slice(-2000)}`)), 120_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Stampflow is up')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`api exited with ${code}:\n${out.slice(-2000)}`)));
  });
}

it('an api process starts runs that only a worker process executes; the worker serves no HTTP', async () => {
  const apiPort = await getFreePort();
  api = await startApi(apiPort);
  const base = `http://127.0.0.1:${apiPort}`;
  const client = (token: string) => hc<AppType>(base, { headers: { Authorization: `Bearer ${token}` } });
  const { apiKey } = await readOk(
    client(ADMIN).v1.merchants.$post({ json: { name: 'Roles café', timezone: 'Europe/Berlin', messagingRules: WITHOUT_RULES } }),
  );
  const merchant = client(apiKey);
  const card = await readOk(merchant.v1.cards.$post({ json: { name: 'Card', stampsRequired: 10, reward: 'Coffee' } }));
  await readOk(
    merchant.v1.customers.$post({
      json: { customers: Array.from({ length: 30 }, (_, i) => ({ externalId: `r${i}`, name: `Guest ${i}`, cardId: card.id })) },
    }),
  );
  const flow = await readOk(merchant.v1.flows.$post({ json: { name: 'Roles', graph: broadcastGraph({ push: 'Hi' }) } }));
  await readOk(merchant.v1.flows[':id'].publish.$post({ param: { id: flow.id } }));
  const { runId } = await readOk(merchant.v1.flows[':id'].runs.$post({ param: { id: flow.id } }));
  const runReport = () => readOk(merchant.v1.runs[':id'].$get({ param: { id: runId } }));

  // No worker yet: the api process executes nothing.
  await sleep(3_000);
  const waiting = await runReport();
  expect(waiting).toMatchObject({ status: 'running', counts: { sent: 0 } });

  const workerPort = await getFreePort();
  worker = await startWorkerProcess({
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    PORT: String(workerPort),
  });
  const deadline = Date.now() + 60_000;
  let report = waiting;
  while (report.status !== 'completed' && Date.now() < deadline) {
    await sleep(300);
    report = await runReport();
  }
  expect(report).toMatchObject({ status: 'completed', counts: { sent: 30 } });
  // The worker listens on no HTTP port.
  await expect(fetch(`http://127.0.0.1:${workerPort}/healthz`)).rejects.toThrow();
}, 240_000);
