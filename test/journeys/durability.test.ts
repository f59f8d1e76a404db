/**
 * Waits outlive their worker: the production worker runs as its own process and is
 * SIGKILLed while a run waits; a new worker process picks the run up from Temporal. A timer
 * that fired while no worker was alive still ends the wait, a visit posted while no worker
 * was alive still moves the visitor (the signal waits in the history), and the outbox shows
 * every message once.
 *
 * The worker process serves the production task queue, so this file runs a Temporal dev
 * server of its own (in memory) where nobody else's runs live.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalCli } from '../../server/temporal/cli-path';
import { startDevServer, type DevServer } from '../../server/temporal/dev-server';
import { TASK_QUEUE, VISIT_POLL_MS } from '../../workflows/types';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import {
  createMerchant, e2eApp, importCustomers, muteInfoLogs, ok, pollRun, publishedFlow, startRun, stopStack, waitForStatus,
  type App,
} from '../e2e/http';
import { edge, journey, node } from './graphs';
import { pushesPerCustomer } from './outbox';

const DAY = 86_400_000;
/** Long enough that a new worker process starts well inside it, even on a busy machine. */
const WAIT_S = 90;

let temporal: DevServer;
let stack: Stack;
let app: App;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  muteInfoLogs();
  temporal = await startDevServer({ cliPath: await ensureTemporalCli() });
  // No in-process worker: the runs here belong to the worker processes.
  stack = await startStack(undefined, temporal.address, { worker: false, taskQueue: TASK_QUEUE });
  app = e2eApp(stack);
});
afterAll(async () => {
  for (const worker of workers) await worker.kill('SIGKILL');
  await stopStack(stack);
  await temporal?.stop();
});

/** The production worker (`server/main.ts`, role worker) as a process of its own. */
async function startWorker(): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({ DATABASE_URL: stack.dbUrl, TEMPORAL_ADDRESS: temporal.address });
  workers.push(worker);
  return worker;
}

describe('a worker SIGKILLed during a wait', () => {
  it('leaves the run to a new worker process: it completes, every customer gets each push exactly once', async () => {
    const m = await createMerchant(app, 'Durable Café');
    const rows = Array.from({ length: 200 }, (_, i) => ({ externalId: `d-${i}`, name: `D ${i}`, cardId: m.cardId }));
    const customers = [...(await importCustomers(m, rows)).values()];
    const flowId = await publishedFlow(
      m,
      journey({ trigger: 'broadcast' }, [
        node('first', 'push', { text: 'Before the wait' }),
        node('wait', 'wait', { for: { seconds: 5 } }),
        node('second', 'push', { text: 'After the wait' }),
      ]),
      'durable wait',
    );

    const first = await startWorker();
    const { runId } = await startRun(m, flowId);
    await pollRun(m, runId, (r) => (r.steps['wait']?.waiting ?? 0) > 0);
    await first.kill('SIGKILL');
    const killedAt = Date.now();

    // Nothing moves without a worker: this is where the run stood when the kill landed.
    const atKill = await pollRun(m, runId, () => true);
    expect(atKill.status).toBe('running');
    expect(atKill.steps['first']).toMatchObject({ entered: 200, sent: 200 });
    expect(atKill.steps['wait']?.waiting).toBe(200);
    expect(Date.parse(atKill.steps['wait']?.waitingUntil ?? '')).toBeGreaterThan(killedAt);
    expect(atKill.steps['second']?.entered).toBe(0);

    // The wait's timer fires while no worker is alive; the new worker takes it from there.
    await sleep(Math.max(0, Date.parse(atKill.steps['wait']?.waitingUntil ?? '') - Date.now()) + 500);
    const second = await startWorker();
    try {
      const done = await waitForStatus(app, m.key, runId, ['completed', 'failed'], 60_000);
      expect(done.status).toBe('completed');
      expect(done.counts).toMatchObject({ members: 200, sent: 400, failed: 0, skipped: 0 });
      expect(done.steps['first']).toMatchObject({ entered: 200, sent: 200 });
      expect(done.steps['wait']).toMatchObject({ entered: 200, waiting: 0 });
      expect(done.steps['second']).toMatchObject({ entered: 200, sent: 200 });
    } finally {
      await second.kill();
    }

    const perCustomer = await pushesPerCustomer(m, customers);
    expect(perCustomer.size).toBe(200);
    for (const counts of perCustomer.values()) expect(counts).toEqual({ 'Before the wait': 1, 'After the wait': 1 });
  });

  it('keeps a wait for a visit: a visit posted while no worker is alive moves the visitor once a new worker starts', async () => {
    const m = await createMerchant(app, 'Visit Café');
    const lapsed = new Date(Date.now() - 40 * DAY).toISOString();
    const rows = Array.from({ length: 6 }, (_, i) => ({ externalId: `v-${i}`, name: `V ${i}`, cardId: m.cardId, lastVisitAt: lapsed }));
    const byExt = await importCustomers(m, rows);
    const customers = [...byExt.values()];
    const flowId = await publishedFlow(
      m,
      journey(
        { trigger: 'inactive', days: 30 },
        [node('offer', 'push', { text: 'We miss you' }), node('wait', 'wait', { untilVisit: { seconds: WAIT_S } })],
        {
          nodes: [node('thanks', 'push', { text: 'Good to see you!' }), node('remind', 'push', { text: 'Still missing you' })],
          edges: [edge('wait', 'thanks', 'visited'), edge('wait', 'remind', 'timeout')],
        },
      ),
      'durable win-back',
    );

    const first = await startWorker();
    const { runId } = await startRun(m, flowId);
    const waiting = await pollRun(m, runId, (r) => r.steps['wait']?.waiting === 6);
    const waitEnds = Date.parse(waiting.steps['wait']?.waitingUntil ?? '');
    await first.kill('SIGKILL');

    const visitor = byExt.get('v-0')!.id;
    ok(await m.api.post('/v1/events', { customerId: visitor, type: 'visit' }), 202);
    await sleep(1_000);
    const meanwhile = await pollRun(m, runId, () => true);
    expect(meanwhile.steps['wait']?.waiting).toBe(6); // no worker, nobody moved

    const second = await startWorker();
    const waitStarted = waitEnds - WAIT_S * 1_000;
    // A worker that took this long to start could not tell the signal from the wait's own poll.
    expect(Date.now()).toBeLessThan(waitStarted + VISIT_POLL_MS - 25_000);
    try {
      // Moved by the buffered signal: before the wait's own poll (every minute) and its last
      // look at the end could have moved the visitor. The workflow task the signal made may
      // first have to time out on the dead worker (10 s).
      const thanked = await pollRun(m, runId, (r) => r.steps['thanks']?.sent === 1, 25_000);
      expect(Date.now()).toBeLessThan(waitStarted + VISIT_POLL_MS);
      expect(thanked.steps['wait']?.waiting).toBe(5);
      expect(thanked.steps['remind']?.entered).toBe(0);

      const done = await waitForStatus(app, m.key, runId, ['completed', 'failed'], waitEnds - Date.now() + 30_000);
      expect(done.status).toBe('completed');
      expect(done.steps['offer']).toMatchObject({ entered: 6, sent: 6 });
      expect(done.steps['thanks']).toMatchObject({ entered: 1, sent: 1 });
      expect(done.steps['remind']).toMatchObject({ entered: 5, sent: 5 });
      expect(done.steps['wait']?.waiting).toBe(0);
    } finally {
      await second.kill();
    }

    const perCustomer = await pushesPerCustomer(m, customers);
    for (const c of customers) {
      const last = c.id === visitor ? { 'Good to see you!': 1 } : { 'Still missing you': 1 };
      expect(perCustomer.get(c.id)).toEqual({ 'We miss you': 1, ...last });
    }
  });
});
