/**
 * The production shape, as `npm run stack` starts it: the Temporal server (built from source,
 * its state in Postgres), Stampflow's API process and two worker processes, all separate.
 * Broadcasts are launched and watched through the API over HTTP; emails are counted at the
 * local Postmark server, pushes in the outbox (the push channel without wallet credentials).
 *
 * One stack serves the file; each test leaves two workers running for the next.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import type { AppProcess } from '../../server/stack/app-process';
import { startStack, type Stack } from '../../server/stack/stack';
import { ensureTemporalServer } from '../../server/temporal/cli-path';
import { WITHOUT_RULES } from '../support/messaging-rules';
import { createRunLauncher } from '../../server/temporal/run-launcher';
import { getFreePort } from '../../server/temporal/server-process';
import { findFreeTemporalPort } from '../../server/temporal/temporal-server';
import { startPostmarkServer, type PostmarkServer } from '../postmark-server';
import { createTestDatabase, dropDatabase, type TestDatabase } from '../support/database';
import { broadcastGraph } from '../support/graphs';
import { deliveryCounts, retriedCustomers, waitFor as waitForCheck } from '../support/runs';
import { seedCustomers, type SeededMerchant } from '../support/seed';

const TOKEN = 'stack-test-token';
const ADMIN = 'stack-test-admin-token-0123456789';
const CUSTOMERS = 20_000;

let database: TestDatabase;
let temporalDbs: { database: string; visibilityDatabase: string };
let dataDir: string;
let postmark: PostmarkServer;
let stack: Stack;
let apiKey: string;
let merchant: SeededMerchant;
const output: string[] = [];

async function http<T>(
  method: string,
  path: string,
  body?: unknown,
  key = apiKey,
): Promise<{ status: number; body: T }> {
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** `waitFor` that shows the stack's last output lines when it times out. */
const waitFor = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
  waitForCheck(what, check, timeoutMs, () => output.slice(-40).join('\n'));

interface RunBody {
  status: string;
  workflowId: string;
}

/** Launches a campaign through the API; answers its run id. */
async function launch(campaign: object): Promise<string> {
  const made = await http<{ runId: string }>('POST', '/v1/campaigns', { cardId: merchant.cardId, ...campaign });
  expect(made.status).toBe(201);
  return made.body.runId;
}

/** Polls the run through the API (whichever API process is up) until it has ended. */
async function finished(runId: string): Promise<RunBody> {
  let run: RunBody | undefined;
  await waitFor(`run ${runId} to end`, async () => {
    const res = await http<RunBody>('GET', `/v1/runs/${runId}`).catch(() => undefined); // the API may be restarting
    run = res?.status === 200 ? res.body : undefined;
    return run !== undefined && ['completed', 'failed', 'cancelled'].includes(run.status);
  });
  return run!;
}

const counts = (runId: string) => deliveryCounts({ db: database.db }, runId);

/** Push messages of the run in the outbox (their delivery rows, `outbox:<id>`): rows and distinct customers. */
async function pushesAtOutbox(runId: string): Promise<{ rows: number; customers: number }> {
  return database.db
    .selectFrom('deliveries')
    .select(sql<number>`count(*)::int`.as('rows'))
    .select(sql<number>`count(distinct customer_id)::int`.as('customers'))
    .where('channel', '=', 'push')
    .where('provider_message_id', 'like', 'outbox:%')
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
}

/** Emails of the run at Postmark: recipient → times received. */
function emailsAtPostmark(subject: string): Map<string, number> {
  const per = new Map<string, number>();
  for (const m of postmark.sent) if (m.Subject === subject) per.set(m.To, (per.get(m.To) ?? 0) + 1);
  return per;
}

/** A live worker process that Temporal shows running one of the workflow's activities now. */
async function workerRunningAnActivity(workflowId: string): Promise<AppProcess | undefined> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection, namespace: stack.namespace });
    const described = await client.workflowService.describeWorkflowExecution({
      namespace: stack.namespace,
      execution: { workflowId },
    });
    const holders = new Set(
      (described.pendingActivities ?? [])
        .filter((a) => a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
        .map((a) => a.lastWorkerIdentity),
    );
    return stack.workers().find((w) => w.running() && holders.has(`${w.pid}@${hostname()}`));
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  const binaries = await ensureTemporalServer();
  database = await createTestDatabase();
  const suffix = randomBytes(5).toString('hex');
  temporalDbs = { database: `temporal_test_${suffix}`, visibilityDatabase: `temporal_test_${suffix}_vis` };
  dataDir = mkdtempSync(join(tmpdir(), 'stampflow-stack-'));
  postmark = await startPostmarkServer({ token: TOKEN, latencyMs: 20 });
  stack = await startStack({
    binaries,
    databaseUrl: database.url,
    temporalDatabases: temporalDbs,
    workers: 2,
    apiPort: await getFreePort(),
    temporalPort: await findFreeTemporalPort(),
    env: {
      STAMPFLOW_DATA_DIR: dataDir,
      STAMPFLOW_ADMIN_TOKEN: ADMIN,
      POSTMARK_SERVER_TOKEN: TOKEN,
      POSTMARK_API_URL: postmark.url,
      // Four activities at a time per worker (16 by default): a broadcast here has up to
      // eight in flight (four chunks each of push and email), so one worker cannot take them
      // all and "both workers in the history" does not depend on which poller is first.
      // With 16, one worker once ran every activity of the 20,000-customer run.
      STAMPFLOW_WORKER_ACTIVITIES: '4',
    },
    output: (line) => {
      output.push(line);
      if (output.length > 2_000) output.shift();
    },
  });
  // A merchant made through the API, as an operator does; its customers seeded in bulk.
  const made = await http<{ id: string; apiKey: string }>(
    'POST',
    '/v1/merchants',
    { name: 'Stack Café', timezone: 'Europe/Berlin', messagingRules: WITHOUT_RULES },
    ADMIN,
  );
  expect(made.status).toBe(201);
  apiKey = made.body.apiKey;
  const card = await http<{ id: string }>('POST', '/v1/cards', {
    name: 'Coffee card',
    stampsRequired: 10,
    reward: 'Free coffee',
  });
  expect(card.status).toBe(201);
  merchant = { merchantId: made.body.id, cardId: card.body.id };
  await database.db
    .updateTable('merchants')
    .set({ email_from: 'hello@cafe.test' })
    .where('id', '=', merchant.merchantId)
    .execute();
  await seedCustomers(database.db, merchant, CUSTOMERS);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  await postmark?.close();
  await database?.drop();
  if (temporalDbs) for (const name of Object.values(temporalDbs)) await dropDatabase(name);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the production shape (Temporal server on Postgres, API and workers as processes)', () => {
  it('runs a 20,000-customer push + email broadcast on two workers: exact counts, both workers in the history', async () => {
    postmark.reset();
    const runId = await launch({
      push: { text: 'Two workers ☕' },
      email: { subject: 'Two workers', body: 'Hi {{customer.name}}' },
    });
    const run = await finished(runId);
    expect(run.status).toBe('completed');
    expect(await counts(runId)).toEqual({ 'push:sent': CUSTOMERS, 'email:sent': CUSTOMERS });
    expect(await pushesAtOutbox(runId)).toEqual({ rows: CUSTOMERS, customers: CUSTOMERS });
    const emails = emailsAtPostmark('Two workers');
    expect(emails.size).toBe(CUSTOMERS);
    expect([...emails.values()].every((n) => n === 1)).toBe(true);

    // The run's Temporal history (the server's, in Postgres): activities completed by both workers.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      const client = new Client({ connection, namespace: stack.namespace });
      const history = await createRunLauncher(client).history(run.workflowId, { maxEvents: 100_000 });
      expect(history.truncated).toBe(false);
      const completedBy = new Set<string>();
      for (const { events } of history.runs) {
        const started = new Map<number, string>(); // event id → worker identity, within one run
        for (const e of events) {
          if (e.activityTaskStartedEventAttributes)
            started.set(Number(e.eventId), e.activityTaskStartedEventAttributes.identity ?? '');
          const done = e.activityTaskCompletedEventAttributes;
          if (done) completedBy.add(started.get(Number(done.startedEventId)) ?? '?');
        }
      }
      const identities = stack.workers().map((w) => `${w.pid}@${hostname()}`);
      expect([...completedBy].sort()).toEqual([...identities].sort());
    } finally {
      await connection.close();
    }
  });

  it('loses nothing and doubles nothing when one of two workers is SIGKILLed mid-run', async () => {
    postmark.reset();
    const runId = await launch({
      push: { text: 'Kill one ☕' },
      email: { subject: 'Kill one', body: 'Hi {{customer.name}}' },
    });
    const { workflowId } = (await http<RunBody>('GET', `/v1/runs/${runId}`)).body;
    // Kill while emails are being sent (some recorded, a batch call at Postmark and not yet
    // answered, so its messages have no row yet), and kill a worker Temporal shows running
    // one of the run's activities at that moment.
    let sendingAtKill = 0;
    let sentAtKill = 0;
    let victim: AppProcess | undefined;
    await waitFor('emails recorded, a page in flight, and a worker holding an activity', async () => {
      const row = (
        await sql<{ sent: number }>`
          select count(*) filter (where status = 'sent' and channel = 'email')::int as sent
          from deliveries where run_id = ${runId}`.execute(database.db)
      ).rows[0]!;
      sendingAtKill = postmark.requests - postmark.calls.length;
      sentAtKill = row.sent;
      if (sentAtKill < 2_000 || sendingAtKill === 0) return false;
      victim = await workerRunningAnActivity(workflowId);
      return victim !== undefined;
    });
    const exit = await victim!.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    expect(sentAtKill).toBeLessThan(CUSTOMERS);

    const run = await finished(runId);
    expect(run.status).toBe('completed');
    expect(await counts(runId)).toEqual({ 'push:sent': CUSTOMERS, 'email:sent': CUSTOMERS });
    expect(await pushesAtOutbox(runId)).toEqual({ rows: CUSTOMERS, customers: CUSTOMERS });
    // At Postmark: every customer exactly once, the pages the dead worker held reconciled
    // with Postmark's message search by the survivor.
    const emails = emailsAtPostmark('Kill one');
    expect(emails.size).toBe(CUSTOMERS);
    expect([...emails].filter(([, n]) => n > 1)).toEqual([]);
    expect((await retriedCustomers({ db: database.db }, runId)).size).toBeGreaterThan(0);
    await stack.addWorker(); // two workers again for the next tests
  });

  it('carries on when the API process is killed and restarted during a run', async () => {
    postmark.reset();
    const runId = await launch({ push: { text: 'API restart ☕' }, email: { subject: 'API restart', body: 'Hi' } });
    await waitFor('the run to be sending', async () => ((await counts(runId))['push:sent'] ?? 0) > 0);
    const atKill = await counts(runId);
    await stack.restartApi('SIGKILL');
    expect(atKill['email:sent'] ?? 0).toBeLessThan(CUSTOMERS); // the run was mid-way
    const run = await finished(runId); // asked of the new API process
    expect(run.status).toBe('completed');
    expect(await counts(runId)).toEqual({ 'push:sent': CUSTOMERS, 'email:sent': CUSTOMERS });
    const emails = emailsAtPostmark('API restart');
    expect(emails.size).toBe(CUSTOMERS);
    expect([...emails.values()].every((n) => n === 1)).toBe(true);
  });

  it('resumes a run waiting on a timer after the Temporal server is SIGKILLed and restarted on its Postgres state', async () => {
    postmark.reset();
    // Campaigns have no wait: this is a flow drawn with one, published and started through the API.
    const graph = broadcastGraph({
      cardId: merchant.cardId,
      push: 'Before the wait',
      waitSeconds: 10,
      email: { subject: 'After the wait', body: 'Hi' },
    });
    const flow = await http<{ id: string }>('POST', '/v1/flows', { name: 'Wait across a restart', graph });
    expect(flow.status).toBe(201);
    expect((await http('POST', `/v1/flows/${flow.body.id}/publish`)).status).toBe(201);
    const started = await http<{ runId: string }>('POST', `/v1/flows/${flow.body.id}/runs`);
    expect(started.status).toBe(202);
    const runId = started.body.runId;
    const openWait = () =>
      database.db
        .selectFrom('run_waits')
        .select(['until', 'finished_at'])
        .where('run_id', '=', runId)
        .executeTakeFirst();
    await waitFor(
      'the pushes and the wait',
      async () => ((await counts(runId))['push:sent'] ?? 0) === CUSTOMERS && (await openWait()) !== undefined,
    );
    // The timer is pending: the wait is open and ends in the future, and no email went out.
    const wait = (await openWait())!;
    expect(wait.finished_at).toBeNull();
    expect(wait.until.getTime()).toBeGreaterThan(Date.now());
    expect(postmark.sent.length).toBe(0);

    const before = stack.temporal().pid;
    await stack.restartTemporal('SIGKILL'); // its process group, no goodbye; the same databases
    expect(stack.temporal().pid).not.toBe(before);

    const run = await finished(runId);
    expect(run.status).toBe('completed');
    expect(await counts(runId)).toEqual({ 'push:sent': CUSTOMERS, 'email:sent': CUSTOMERS });
    expect(await pushesAtOutbox(runId)).toEqual({ rows: CUSTOMERS, customers: CUSTOMERS });
    const emails = emailsAtPostmark('After the wait');
    expect(emails.size).toBe(CUSTOMERS);
    expect([...emails.values()].every((n) => n === 1)).toBe(true);
  }, 240_000);
});
