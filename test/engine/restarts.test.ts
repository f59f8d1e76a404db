/**
 * Durability: a worker killed mid-run and a Temporal server restarted during a wait both
 * leave the run to finish with every message recorded once. This file runs its own dev
 * server (state in a SQLite file, so it survives a restart) and the production worker
 * as a separate process that can be SIGKILLed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalCli } from '../../server/temporal/cli-path';
import { getFreePort, startDevServer, type DevServer } from '../../server/temporal/dev-server';
import { startPostmarkServer, type PostmarkServer } from '../postmark-server';
import { broadcastGraph } from '../support/graphs';
import { deliveryCounts, retriedCustomers, startRun, waitFor, waitForRun } from '../support/runs';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../support/seed';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess } from '../support/worker-process';

const TOKEN = 'restart-test-token';
let dir: string;
let port: number;
let temporal: DevServer;
let postmark: PostmarkServer;
let stack: Stack;
let merchant: SeededMerchant;

const startTemporal = async () =>
  startDevServer({ cliPath: await ensureTemporalCli(), dbFilename: join(dir, 'temporal.db'), port });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stampflow-restarts-'));
  port = await getFreePort();
  temporal = await startTemporal();
  postmark = await startPostmarkServer({ token: TOKEN, latencyMs: 150 });
  // The in-process worker of the stack is not used here: the task queue is the worker process's.
  stack = await startStack(undefined, temporal.address, { worker: false, taskQueue: 'stampflow' });
  merchant = await seedMerchant(stack.db);
  await seedCustomers(stack.db, merchant, 6_000);
});
afterAll(async () => {
  await stack?.stop();
  await postmark?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const workerEnv = () => ({
  DATABASE_URL: stack.dbUrl,
  TEMPORAL_ADDRESS: temporal.address,
  POSTMARK_SERVER_TOKEN: TOKEN,
  POSTMARK_API_URL: postmark.url,
});

describe('a run survives', () => {
  it('its worker being killed mid-send: every customer is mailed exactly once, the page in flight reconciled with Postmark', async () => {
    postmark.reset();
    const first = await startWorkerProcess(workerEnv());
    const run = await startRun(
      stack,
      merchant.merchantId,
      broadcastGraph({ email: { subject: 'Hello', body: 'Hi {{customer.name}}' } }),
    );
    // Kill while a page is sent and not recorded: a batch call is at Postmark, not yet
    // answered (Postmark accepts it anyway), and the ledger has no row for its messages yet
    // (a page's rows are written once, after the answer).
    let inFlight = 0;
    let recordedAtKill = 0;
    await waitFor('emails recorded and a page in flight', async () => {
      const counts = await sql<{ sent: number }>`
        select count(*)::int as sent from deliveries where run_id = ${run.runId} and status = 'sent'`.execute(stack.db);
      recordedAtKill = counts.rows[0]?.sent ?? 0;
      inFlight = postmark.requests - postmark.calls.length;
      return recordedAtKill >= 1_000 && inFlight > 0;
    });
    await first.kill('SIGKILL');
    expect(inFlight).toBeGreaterThan(0);
    expect(recordedAtKill).toBeLessThan(6_000);
    const second = await startWorkerProcess(workerEnv());
    try {
      expect(await waitForRun(stack, run)).toBe('completed');
    } finally {
      await second.kill();
    }
    expect(await deliveryCounts(stack, run.runId)).toEqual({ 'email:sent': 6_000 });
    // At Postmark: everyone exactly once. The page the killed worker had sent and not recorded
    // was the retry's first unrecorded page (attempts > 1): it asked Postmark's search first.
    const perRecipient = postmark.countsByRecipient();
    expect(perRecipient.size).toBe(6_000);
    expect([...perRecipient].filter(([, n]) => n > 1)).toEqual([]);
    expect((await retriedCustomers(stack, run.runId)).size).toBeGreaterThan(0);
    expect(postmark.calls.some((c) => c.path === '/messages/outbound')).toBe(true);
  });

  it('the Temporal server SIGKILLed while a timer is pending: restarted on its state, the run resumes and finishes', async () => {
    postmark.reset();
    const worker = await startWorkerProcess(workerEnv());
    try {
      const run = await startRun(
        stack,
        merchant.merchantId,
        broadcastGraph({ push: 'Now', waitSeconds: 8, email: { subject: 'Later', body: 'Hi' } }),
      );
      const openWait = () =>
        stack.db
          .selectFrom('run_waits')
          .select(['until', 'finished_at'])
          .where('run_id', '=', run.runId)
          .executeTakeFirst();
      await waitFor(
        'the pushes and the wait',
        async () =>
          ((await deliveryCounts(stack, run.runId))['push:sent'] ?? 0) === 6_000 && (await openWait()) !== undefined,
      );
      // The timer is pending: the wait is open and ends in the future, and no email went out.
      const wait = (await openWait())!;
      expect(wait.finished_at).toBeNull();
      expect(wait.until.getTime()).toBeGreaterThan(Date.now());
      expect(postmark.sent.length).toBe(0);

      process.kill(-temporal.pid, 'SIGKILL'); // the server's whole process group, no goodbye
      expect((await temporal.exited).signal).toBe('SIGKILL');
      await sleep(1_000);
      temporal = await startTemporal(); // same port, same SQLite file
      expect(await waitForRun(stack, run)).toBe('completed');
      expect(await deliveryCounts(stack, run.runId)).toEqual({ 'push:sent': 6_000, 'email:sent': 6_000 });
      // At the providers: every customer one push (the outbox) and one email (Postmark).
      // (a push captured in the outbox is its delivery row, `outbox:<id>`)
      const pushes = await stack.db
        .selectFrom('deliveries')
        .select(sql<number>`count(distinct customer_id)::int`.as('customers'))
        .select(sql<number>`count(*)::int`.as('rows'))
        .where('channel', '=', 'push')
        .where('provider_message_id', 'like', 'outbox:%')
        .where('run_id', '=', run.runId)
        .executeTakeFirstOrThrow();
      expect(pushes).toEqual({ customers: 6_000, rows: 6_000 });
      const perRecipient = postmark.countsByRecipient();
      expect(perRecipient.size).toBe(6_000);
      expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await worker.kill();
    }
  });
});
