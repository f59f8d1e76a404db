/**
 * faults: the `broadcast` run (push + email) on the real stack — the production worker
 * process, the Temporal dev server, Postgres and the Postmark client against the local
 * Postmark server — once clean and once with faults, side by side in one process:
 *  - whole-call 500s and 429s spread over the run (nothing accepted, the call is retried);
 *  - Postmark accepting a batch and never answering it (`acceptThenDrop(…, 'hang')`):
 *    Postmark has no idempotency key, so the retry asks Postmark's outbound message search
 *    which of the claimed messages it already accepted and resends only the rest;
 *  - the worker SIGKILLed once ~30% of the emails are recorded, and a new one started.
 *
 * Figures: lost messages (must be 0), duplicate emails at the server and how many of them
 * the ledger explains (a repeat is explained when the customer's row has `attempts > 1`
 * and at least as many attempts as copies; must be all), pushes recorded twice (must be
 * 0), and the faulty run's time against the clean one's.
 *
 * What the faulty time is made of (100,000 recipients, 2 cores; `BENCH_TIMELINE=1` prints
 * the activity timeline): the clean run takes ~9 s. The kill costs the activity heartbeat
 * timeout (5 s, `workflows/run-flow.ts`) plus the new worker's start (~3 s); a hung call
 * costs the Postmark client's timeout (`POSTMARK_TIMEOUT_MS`, 10 s) on the chunk it hits;
 * 500s and 429s cost the retry backoff (0.5 s, × 1.5 per attempt). A step waits for its
 * slowest chunk, so a hang on a late chunk is on the critical path: ~3× the clean time.
 * (Before the heartbeat timer, resumable chunks and the shorter timeouts: 6× here.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { createRunLauncher } from '../server/temporal/run-launcher';
import { deliveryCounts, startRun, waitForRun, type StartedRun } from '../test/support/runs';
import { startWorkerProcess, type WorkerProcess } from '../test/support/worker-process';
import { GRAPH, WORKER_NODE_OPTIONS } from './broadcast';
import { POSTMARK_TOKEN, startBenchEnv, type BenchEnv } from './support/env';
import type { Figure } from './figures';
import { printTimeline } from './support/timeline';

const RECIPIENTS = Number(process.env.BENCH_FAULTS_RECIPIENTS ?? 100_000);
/** Share of the emails recorded `sent` before the worker is killed. */
const KILL_AT = 0.3;
/** Postmark's batch size: the number of `/email/batch` calls a clean run makes is N / 500. */
const BATCH = 500;
/** Longest a run may take before the bench gives up on it. */
const RUN_DEADLINE_MS = 15 * 60_000;

type Stack = { db: BenchEnv['db']; client: Client; launcher: ReturnType<typeof createRunLauncher> };

export async function run(): Promise<Figure[]> {
  const env = await startBenchEnv(RECIPIENTS);
  const workerEnv = {
    DATABASE_URL: env.dbUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
    POSTMARK_API_URL: env.postmark.url,
    // The production worker's heap setting (docker-compose.yml), as in `broadcast`.
    NODE_OPTIONS: WORKER_NODE_OPTIONS,
  };
  let worker: WorkerProcess | undefined = await startWorkerProcess(workerEnv);
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const client = new Client({ connection });
    const stack: Stack = { db: env.db, client, launcher: createRunLauncher(client) };

    // 1. Clean.
    process.stderr.write(`bench: faults: clean run over ${RECIPIENTS} recipients…\n`);
    let t0 = performance.now();
    const clean = await startRun(stack, env.merchant.merchantId, GRAPH);
    await expectCompleted(stack, clean, await withDeadline(waitForRun(stack, clean)));
    const cleanSeconds = (performance.now() - t0) / 1000;
    if (env.postmark.sent.length !== RECIPIENTS)
      throw new Error(`clean run: Postmark accepted ${env.postmark.sent.length} emails for ${RECIPIENTS} recipients`);

    // 2. Faulty: the same broadcast, a new run, with the fault script below and a kill.
    env.postmark.reset();
    const script = scriptFaults(env, Math.ceil(RECIPIENTS / BATCH));
    process.stderr.write(`bench: faults: faulty run (${script})…\n`);
    t0 = performance.now();
    const faulty = await startRun(stack, env.merchant.merchantId, GRAPH);
    let ended = false;
    const finished = withDeadline(waitForRun(stack, faulty)).finally(() => {
      ended = true;
    });
    finished.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    const killAt = Math.ceil(RECIPIENTS * KILL_AT);
    let emailsAtKill = 0;
    while (!ended && (emailsAtKill = await emailsSent(stack, faulty.runId)) < killAt) await sleep(100);
    let restartSeconds = 0;
    if (!ended) {
      // (Not `kill()` twice: a worker that died of a signal has no exit code, so a second
      // `kill()` of test/support/worker-process.ts would wait for an exit that already happened.)
      await worker.kill('SIGKILL');
      worker = undefined;
      const r0 = performance.now();
      worker = await startWorkerProcess(workerEnv);
      restartSeconds = (performance.now() - r0) / 1000;
      process.stderr.write(
        `bench: faults: worker killed at ${emailsAtKill} emails recorded, new worker up in ${restartSeconds.toFixed(1)} s\n`,
      );
    }
    const status = await finished;
    const faultySeconds = (performance.now() - t0) / 1000;
    if (process.env.BENCH_TIMELINE) await printTimeline(client, faulty.workflowId);
    await expectCompleted(stack, faulty, status);
    if (restartSeconds === 0)
      throw new Error(`the faulty run ended before ${killAt} emails were recorded: the worker was never killed`);

    // 3. What reached Postmark against what the ledger says.
    const check = await audit(stack, env, faulty.runId);
    const figures: Figure[] = [
      { name: 'faults.recipients', value: RECIPIENTS, unit: 'recipients' },
      { name: 'faults.lost', value: check.lost, unit: 'messages' },
      { name: 'faults.duplicates', value: check.duplicates, unit: 'emails' },
      { name: 'faults.duplicates_explained', value: check.explained, unit: 'emails' },
      { name: 'faults.push_duplicates', value: check.pushDuplicates, unit: 'pushes' },
      { name: 'faults.retried_rows', value: check.retriedRows, unit: 'rows' },
      { name: 'faults.killed_at_emails', value: emailsAtKill, unit: 'emails' },
      { name: 'faults.worker_restart_s', value: restartSeconds, unit: 's' },
      { name: 'faults.clean_s', value: cleanSeconds, unit: 's' },
      { name: 'faults.faulty_s', value: faultySeconds, unit: 's' },
      { name: 'faults.time_ratio', value: faultySeconds / cleanSeconds, unit: 'x' },
    ];
    if (check.lost > 0 || check.duplicates !== check.explained || check.pushDuplicates > 0 || check.pushLost > 0) {
      const shown = figures.map((f) => `${f.name}: ${f.value}`).join(', ');
      throw new Error(
        `faults: ${check.lost} lost, ${check.duplicates - check.explained} unexplained duplicates, ${check.pushDuplicates} doubled and ${check.pushLost} missing pushes (${shown}); e.g. ${check.examples.join('; ')}`,
      );
    }
    return figures;
  } finally {
    await connection.close();
    await worker?.kill();
    await env.stop();
  }
}

/**
 * Spreads the faults over the `calls` batch calls of one run (retries shift them a little
 * later, which is fine): 500s and 429s, two accepted-then-hung calls — one before the
 * kill, one after — with `passNext` in between. Returns a description for the log.
 */
function scriptFaults(env: BenchEnv, calls: number): string {
  const pm = env.postmark;
  const steps: Array<{ share: number; what: string; requests: number; inject: () => void }> = [
    { share: 0.05, what: '500', requests: 1, inject: () => pm.failNext(1, 500) },
    { share: 0.12, what: '429', requests: 1, inject: () => pm.failNext(1, 429) },
    { share: 0.2, what: 'hang', requests: 1, inject: () => pm.acceptThenDrop(1, 'hang') },
    { share: 0.45, what: '500', requests: 1, inject: () => pm.failNext(1, 500) },
    { share: 0.55, what: '429', requests: 1, inject: () => pm.failNext(1, 429) },
    { share: 0.65, what: 'hang', requests: 1, inject: () => pm.acceptThenDrop(1, 'hang') },
    { share: 0.8, what: '500 ×2', requests: 2, inject: () => pm.failNext(2, 500) },
  ];
  let served = 0;
  const described: string[] = [];
  for (const step of steps) {
    const gap = Math.max(1, Math.round(calls * step.share) - served);
    pm.passNext(gap);
    step.inject();
    described.push(`${step.what} at call ${served + gap + 1}`);
    served += gap + step.requests;
  }
  return `${described.join(', ')} of ~${calls}`;
}

interface Audit {
  lost: number;
  duplicates: number;
  explained: number;
  pushDuplicates: number;
  pushLost: number;
  retriedRows: number;
  examples: string[];
}

async function audit(stack: Stack, env: BenchEnv, runId: string): Promise<Audit> {
  const copies = env.postmark.countsByRecipient();
  // Every member of the run's audience with its email ledger row (none if it has no row).
  const members = await sql<{ email: string | null; consent: boolean; status: string | null; attempts: number | null }>`
    select c.email, c.email_consent as consent, d.status, d.attempts
    from run_step_members m
    join customers c on c.id = m.customer_id
    left join deliveries d on d.run_id = m.run_id and d.customer_id = m.customer_id and d.channel = 'email'
    where m.run_id = ${runId} and m.node_id = 'trigger'`.execute(stack.db);
  if (members.rows.length !== RECIPIENTS)
    throw new Error(`faulty run: ${members.rows.length} members for ${RECIPIENTS} recipients`);

  let lost = 0;
  let duplicates = 0;
  let explained = 0;
  let retriedRows = 0;
  const examples: string[] = [];
  const known = new Set<string>();
  for (const m of members.rows) {
    const attempts = m.attempts ?? 0;
    if (attempts > 1) retriedRows += 1;
    if (!m.email) continue;
    const address = m.email.toLowerCase();
    known.add(address);
    const n = copies.get(address) ?? 0;
    const finalRefusal = m.status === 'failed' || m.status === 'suppressed';
    if (m.consent && n === 0 && !finalRefusal) {
      lost += 1;
      if (examples.length < 5) examples.push(`${address} lost (ledger ${m.status ?? 'no row'})`);
    }
    if (n > 1) {
      duplicates += n - 1;
      // Each copy needs an attempt of its own: a repeat the ledger does not count is unexplained.
      if (attempts > 1 && n <= attempts) explained += n - 1;
      else if (examples.length < 5) examples.push(`${address} sent ${n}× with ${attempts} attempt(s)`);
    }
  }
  // Copies to addresses outside the audience would be duplicates of nobody's: count them.
  for (const [address, n] of copies) {
    if (!known.has(address)) {
      duplicates += n;
      if (examples.length < 5) examples.push(`${address} is not a member but was sent ${n}×`);
    }
  }

  // Pushes captured in the outbox: their delivery rows (`outbox:<id>`), as the Outbox lists them.
  const pushes = await sql<{ customer_id: string | null; n: string }>`
    select customer_id, count(*) as n
    from deliveries
    where run_id = ${runId} and channel = 'push' and provider_message_id like 'outbox:%'
    group by 1`.execute(stack.db);
  const pushDuplicates = pushes.rows.reduce((sum, r) => sum + Number(r.n) - 1, 0);
  const pushLost = RECIPIENTS - pushes.rows.length;
  return { lost, duplicates, explained, pushDuplicates, pushLost, retriedRows, examples };
}

async function emailsSent(stack: Stack, runId: string): Promise<number> {
  return (await deliveryCounts(stack, runId))['email:sent'] ?? 0;
}

async function expectCompleted(stack: Stack, run: StartedRun, status: string): Promise<void> {
  const counts = await deliveryCounts(stack, run.runId);
  if (status !== 'completed' || counts['push:sent'] !== RECIPIENTS || counts['email:sent'] !== RECIPIENTS) {
    throw new Error(`run ${run.runId} ended ${status} with ${JSON.stringify(counts)}`);
  }
}

async function withDeadline<T>(work: Promise<T>): Promise<T> {
  const timer = new AbortController();
  const deadline = sleep(RUN_DEADLINE_MS, undefined, { signal: timer.signal }).then(() => {
    throw new Error(`run did not finish in ${RUN_DEADLINE_MS / 60_000} min`);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    timer.abort();
    deadline.catch(() => undefined);
  }
}
