/**
 * A worker SIGKILLed while APNs requests are in flight: the next worker finishes the push,
 * every device is notified, and no pass changes twice for the one push — which is what
 * would put the text on a lock screen twice. APNs notifications themselves may repeat for
 * the page the dead worker had in flight (they carry nothing; the device only refetches an
 * unchanged pass), and each repeat is explained by the ledger's attempts.
 *
 * The customers' passes already hold the same text from an earlier push, so "changed once"
 * is visible in the pass itself: once is the text plus the invisible change mark, twice
 * would be the bare text again. This file runs its own dev server and the production
 * worker as a process of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureTemporalCli } from '../../server/temporal/cli-path';
import { getFreePort, startDevServer, type DevServer } from '../../server/temporal/dev-server';
import { startApnsServer, type ApnsServer } from '../apns/server';
import { appleEnv } from '../support/certs';
import { broadcastGraph } from '../support/graphs';
import { deliveryCounts, retriedCustomers, startRun, waitForRun } from '../support/runs';
import { seedAppleDevices, seedCustomers, seedMerchant, type SeededMerchant } from '../support/seed';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess } from '../support/worker-process';

const CUSTOMERS = 3_000;
const TEXT = 'Last call';
let dir: string;
let temporal: DevServer;
let apns: ApnsServer;
let stack: Stack;
let merchant: SeededMerchant;
/** push token → customer */
const tokens = new Map<string, string>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stampflow-wallet-kill-'));
  temporal = await startDevServer({
    cliPath: await ensureTemporalCli(),
    dbFilename: join(dir, 'temporal.db'),
    port: await getFreePort(),
  });
  // Slow answers keep hundreds of requests in flight, so the kill lands mid-send.
  apns = await startApnsServer({ latencyMs: 300 });
  stack = await startStack(undefined, temporal.address, { worker: false, taskQueue: 'stampflow' });
  merchant = await seedMerchant(stack.db);
  await seedCustomers(stack.db, merchant, CUSTOMERS);
  for (const [token, customerId] of await seedAppleDevices(stack.db, merchant)) tokens.set(token, customerId);
  // The same text is already on every pass, from an earlier push.
  await sql`update passes set message = ${TEXT}, last_push = 'an-earlier-run/push'`.execute(stack.db);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await apns?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const workerEnv = () => {
  return {
    DATABASE_URL: stack.dbUrl,
    TEMPORAL_ADDRESS: temporal.address,
    ...appleEnv(),
    APNS_URL: apns.url,
    STAMPFLOW_DATA_DIR: dir,
  };
};

it('a worker killed mid-push: every device notified, every pass changed exactly once, repeats explained by the ledger', async () => {
  const first = await startWorkerProcess(workerEnv());
  const run = await startRun(stack, merchant.merchantId, broadcastGraph({ push: TEXT }));
  const deadline = Date.now() + 60_000;
  while (!(apns.requests.filter((r) => r.status === 200).length >= 500 && apns.inFlight >= 100)) {
    if (Date.now() > deadline) throw new Error('the push never had 500 answered and 100 in flight');
    await sleep(5);
  }
  const inFlightAtKill = apns.inFlight;
  const answeredAtKill = apns.requests.filter((r) => r.status === 200).length;
  await first.kill('SIGKILL');
  // The kill landed mid-send: requests were in flight and most devices were not reached yet.
  expect(inFlightAtKill).toBeGreaterThanOrEqual(100);
  expect(answeredAtKill).toBeLessThan(CUSTOMERS);

  const second = await startWorkerProcess(workerEnv());
  try {
    expect(await waitForRun(stack, run)).toBe('completed');
  } finally {
    await second.kill();
  }
  expect(await deliveryCounts(stack, run.runId)).toEqual({ 'push:sent': CUSTOMERS });

  // At APNs: every device got the notification at least once.
  const delivered = new Map<string, number>();
  for (const r of apns.requests) if (r.status === 200) delivered.set(r.token, (delivered.get(r.token) ?? 0) + 1);
  expect([...tokens.keys()].filter((t) => !delivered.has(t))).toEqual([]);
  // Repeats only for customers the ledger shows were claimed again (attempts > 1): the page
  // the dead worker had in flight, resumed by the retry.
  const retriedIds = await retriedCustomers(stack, run.runId);
  expect(retriedIds.size).toBeGreaterThan(0); // at least one page was resumed by the retry
  const repeated = [...delivered].filter(([, n]) => n > 1).map(([t]) => tokens.get(t));
  expect(repeated.filter((id) => !retriedIds.has(id ?? ''))).toEqual([]);

  // Every pass changed exactly once for this push: the text plus the change mark (twice
  // would have taken the mark off again, and the lock screen would have shown it twice).
  const messages = await stack.db.selectFrom('passes').select(['message', 'last_push']).execute();
  const values = new Map<string, number>();
  for (const m of messages) values.set(m.message ?? 'null', (values.get(m.message ?? 'null') ?? 0) + 1);
  expect(Object.fromEntries(values)).toEqual({ [`${TEXT}\u200B`]: CUSTOMERS });
  expect(new Set(messages.map((m) => m.last_push))).toEqual(new Set([`${run.runId}/push`]));
});
