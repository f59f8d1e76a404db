/**
 * The embedded default: `npm start` without DATABASE_URL runs on PGlite in the data
 * directory. Here the engine runs on a PGlite database in a temp dir — migrated, with a real
 * worker on the suite's Temporal dev server, the API and the cohort batcher — and journeys
 * go end to end through HTTP: an event-triggered reward-ready push and a win-back whose
 * wait for a visit sends one customer on by `visited` and the other by `timeout`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Db } from '../../engine/db/database';
import { migrateToLatest } from '../../engine/db/migrate';
import { createCohortBatcher, type CohortBatcher } from '../../engine/runs/cohort-batcher';
import { createRunLauncher } from '../../server/temporal/run-launcher';
import { createWorker, installRuntimeLogger } from '../../server/temporal/worker';
import { DEFAULT_CHANNELS, workflowBundle } from '../support/stack';
import {
  allPages, createMerchant, e2eApp, importCustomers, muteInfoLogs, ok, pollRun, publishedFlow, runDeliveries, startRun, waitForStatus,
  type App, type RunReport,
} from '../e2e/http';
import { edge, journey, node } from './graphs';

const DAY = 86_400_000;

let dir: string;
let db: Db;
let connection: Connection;
let batcher: CohortBatcher;
let worker: Worker;
let running: Promise<void>;
let stopWorker: () => Promise<void>;
let app: App;

beforeAll(async () => {
  muteInfoLogs();
  installRuntimeLogger('ERROR');
  dir = mkdtempSync(join(tmpdir(), 'stampflow-pglite-'));
  db = await openDatabase({ pgliteDir: join(dir, 'pglite') });
  await migrateToLatest(db);

  const address = inject('temporalAddress');
  const taskQueue = `pglite-${randomUUID()}`;
  const created = await createWorker({ address, db, channels: DEFAULT_CHANNELS, taskQueue, workflowBundle: await workflowBundle() });
  worker = created.worker;
  running = worker.run();
  stopWorker = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await created.connection.close();
  };

  connection = await Connection.connect({ address });
  const launcher = createRunLauncher(new Client({ connection }), taskQueue);
  batcher = createCohortBatcher({ db, launcher });
  batcher.start();
  app = e2eApp({ db, launcher, batcher });
});
afterAll(async () => {
  await batcher?.stop();
  await stopWorker?.();
  await connection?.close();
  await db?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Polls until `find` answers something. */
async function eventually<T>(find: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A query that waits for the one embedded connection while a transaction holds it hangs
// every query after it: fail within a minute, not two.
describe('on PGlite, the embedded default', { timeout: 60_000 }, () => {
  it('nudges each customer one stamp from the reward once, from stamps posted all at once, through event cohort runs', async () => {
    const m = await createMerchant(app, 'Embedded Café');
    const flowId = await publishedFlow(m, journey({ trigger: 'event', event: 'one_stamp_to_go' }, [node('nudge', 'push', { text: 'One more stamp!' })]), 'reward ready');
    const rows = Array.from({ length: 30 }, (_, i) => ({ externalId: `r-${i}`, name: `R ${i}`, cardId: m.cardId, stamps: 8 }));
    rows.push({ externalId: 'early', name: 'Early', cardId: m.cardId, stamps: 3 });
    const byExt = await importCustomers(m, rows);
    const ready = rows.slice(0, 30).map((r) => byExt.get(r.externalId)!.id);
    // Concurrent transactions on the one embedded connection: each records its event and entry.
    const answers = await Promise.all(rows.map((r) => m.api.post<{ entered: number }>('/v1/events', { customerId: byExt.get(r.externalId)!.id, type: 'stamp' })));
    expect(answers.map((a) => ok(a, 202).entered)).toEqual([...ready.map(() => 1), 0]); // 4 of 10: not yet

    const runs = await eventually(async () => {
      const mine = (await allPages<RunReport>(m.api, '/v1/runs', 100)).filter((r) => r.flowId === flowId);
      const members = mine.reduce((n, r) => n + r.counts.members, 0);
      return members === 30 && mine.every((r) => r.status === 'completed') ? mine : undefined;
    });
    expect(runs.every((r) => r.source === 'event')).toBe(true);
    expect(runs.reduce((n, r) => n + r.counts.sent, 0)).toBe(30);
    const deliveries = (await Promise.all(runs.map((r) => runDeliveries(m, r.id)))).flat();
    expect(deliveries.map((d) => d.customerId).sort()).toEqual([...ready].sort());
    expect(new Set(deliveries.map((d) => `${d.nodeId}:${d.status}`))).toEqual(new Set(['nudge:sent']));
    const pass = ok(await m.api.get<{ pass: { message: string } }>(`/v1/customers/${ready[0] ?? ''}`), 200).pass;
    expect(pass.message).toBe('One more stamp!');
  });

  it('win-back: the customer who visits during the wait is thanked, the other reminded', async () => {
    const m = await createMerchant(app, 'Embedded Win-back');
    const lapsed = new Date(Date.now() - 40 * DAY).toISOString();
    const byExt = await importCustomers(m, [
      { externalId: 'w-1', name: 'Visitor', cardId: m.cardId, lastVisitAt: lapsed },
      { externalId: 'w-2', name: 'Absent', cardId: m.cardId, lastVisitAt: lapsed },
    ]);
    const visitor = byExt.get('w-1')!.id;
    const absent = byExt.get('w-2')!.id;
    const flowId = await publishedFlow(
      m,
      journey(
        { trigger: 'inactive', days: 30 },
        [node('offer', 'push', { text: 'We miss you' }), node('wait', 'wait', { untilVisit: { seconds: 6 } })],
        {
          nodes: [node('thanks', 'push', { text: 'Good to see you!' }), node('remind', 'push', { text: 'Still missing you' })],
          edges: [edge('wait', 'thanks', 'visited'), edge('wait', 'remind', 'timeout')],
        },
      ),
      'win-back',
    );
    const { runId } = await startRun(m, flowId);
    await pollRun(m, runId, (r) => r.steps['wait']?.waiting === 2);
    const visitedAt = Date.now();
    ok(await m.api.post('/v1/events', { customerId: visitor, type: 'visit' }), 202);
    const thanked = await pollRun(m, runId, (r) => r.steps['thanks']?.sent === 1, 5_000);
    expect(Date.now() - visitedAt).toBeLessThan(4_000); // moved by the visit's signal
    expect(thanked.steps['wait']?.waiting).toBe(1);

    const done = await waitForStatus(app, m.key, runId, ['completed', 'failed'], 20_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ members: 2, sent: 4, failed: 0 });
    expect(done.steps['wait']).toMatchObject({ entered: 2, waiting: 0 });
    const byNode = (await runDeliveries(m, runId)).map((d) => `${d.nodeId}:${d.customerId === visitor ? 'visitor' : d.customerId === absent ? 'absent' : d.customerId}`);
    expect(byNode.sort()).toEqual(['offer:absent', 'offer:visitor', 'remind:absent', 'thanks:visitor']);
  });
});
