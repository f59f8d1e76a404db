/**
 * The cohort batcher's drain on a real database and the suite's Temporal dev server: a burst
 * of entries becomes several runs whose starts are in flight together; a version Temporal
 * refuses backs off once per drain however many of its starts were in flight; when Temporal
 * does not answer, every entry goes back to pending and no run row is left behind.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COHORT_MAX, createCohortBatcher } from '../../engine/runs/cohort-batcher';
import type { RunLauncher } from '../../engine/runs/launcher';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../support/seed';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
let m: SeededMerchant;
let customers: string[];
beforeAll(async () => {
  // No worker: these tests look at starts, not at what the runs then do.
  stack = await startStack(undefined, undefined, { worker: false });
  // The stack's own batcher would take these tests' entries on its poll: each test drains its own.
  await stack.batcher.stop();
  m = await seedMerchant(stack.db, 'Batcher Café');
  await seedCustomers(stack.db, m, 3 * COHORT_MAX);
  customers = (await stack.db.selectFrom('customers').select('id').where('merchant_id', '=', m.merchantId).execute()).map((c) => c.id);
});
afterAll(() => stack?.stop());

/** A published event flow; answers its id. */
async function eventFlow(): Promise<string> {
  const trigger = { kind: 'event', event: 'one_stamp_to_go', cardId: m.cardId };
  const plan = { planVersion: 1, triggerNodeId: 'trigger', trigger, entry: [], steps: {} };
  const { id } = await stack.db
    .insertInto('flows')
    .values({ merchant_id: m.merchantId, name: 'Nudge', graph: JSON.stringify({ nodes: [], edges: [] }), status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await stack.db.insertInto('flow_versions').values({ flow_id: id, version: 1, graph: '{}', plan: JSON.stringify(plan) }).execute();
  return id;
}

/** `count` pending entries of the flow, as event intake records them. */
async function enter(flowId: string, count: number): Promise<void> {
  await stack.db
    .insertInto('flow_entries')
    .values(customers.slice(0, count).map((customerId) => ({ flow_id: flowId, customer_id: customerId, entry_key: `event:${randomUUID()}`, merchant_id: m.merchantId, version: 1 })))
    .execute();
}

async function entriesOf(flowId: string) {
  return stack.db.selectFrom('flow_entries').select('run_id').where('flow_id', '=', flowId).execute();
}

/** The real launcher, each start held `delayMs` first (a slow Temporal), counting starts in flight. */
function slowLauncher(delayMs: number): { launcher: RunLauncher; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const launcher: RunLauncher = {
    ...stack.launcher,
    async start(input) {
      max = Math.max(max, ++inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return await stack.launcher.start(input);
      } finally {
        inFlight--;
      }
    },
  };
  return { launcher, maxInFlight: () => max };
}

describe('the cohort batcher', () => {
  it('starts the runs of a burst together, not one after the other', async () => {
    const flowId = await eventFlow();
    await enter(flowId, 3 * COHORT_MAX);
    const { launcher, maxInFlight } = slowLauncher(1_000);
    const batcher = createCohortBatcher({ db: stack.db, launcher });
    const started = await batcher.flush();
    // 1,500 entries: three runs of 500, or a fourth when two lanes split the last claims.
    expect(started).toBeGreaterThanOrEqual(3);
    // Starts held a second each were in flight together (one after the other, this is 1):
    // counted at the launcher, not timed, so a busy machine cannot make it flaky.
    expect(maxInFlight()).toBeGreaterThanOrEqual(3);
    const entries = await entriesOf(flowId);
    expect(entries.every((e) => e.run_id !== null)).toBe(true);
    const runs = await stack.db
      .selectFrom('runs')
      .leftJoin('flow_entries as e', 'e.run_id', 'runs.id')
      .select(['runs.id', 'runs.status', (eb) => eb.fn.count<string>('e.customer_id').as('entries')])
      .where('runs.flow_id', '=', flowId)
      .groupBy(['runs.id', 'runs.status'])
      .execute();
    expect(runs).toHaveLength(started);
    expect(runs.every((r) => r.status === 'running' && Number(r.entries) <= COHORT_MAX)).toBe(true);
    for (const run of runs) await stack.client.workflow.getHandle(`run-${run.id}`).describe(); // Temporal has each
  });

  it('counts a refused version once, however many of its starts were in flight', async () => {
    const flowId = await eventFlow();
    // A 2.5 MB plan: over Temporal's payload limit, so the dev server refuses every start.
    await sql`update flow_versions set plan = jsonb_set(plan, '{padding}', to_jsonb(repeat('x', 2500000)))
      where flow_id = ${flowId}`.execute(stack.db);
    await enter(flowId, 3 * COHORT_MAX);
    const batcher = createCohortBatcher({ db: stack.db, launcher: stack.launcher });
    expect(await batcher.flush()).toBe(0);
    const failure = await stack.db.selectFrom('flow_start_failures').selectAll().where('flow_id', '=', flowId).executeTakeFirstOrThrow();
    expect(failure.failures).toBe(1);
    expect(failure.reason).toMatch(/^Temporal refused to start the run/);
    // Nothing lost: every entry pending again; one failed run says why, the others are gone.
    expect((await entriesOf(flowId)).every((e) => e.run_id === null)).toBe(true);
    const runs = await stack.db.selectFrom('runs').select(['status', 'error']).where('flow_id', '=', flowId).execute();
    expect(runs).toEqual([{ status: 'failed', error: failure.reason }]);
    // Backing off: the next drain leaves the version alone.
    expect(await batcher.flush()).toBe(0);
    expect(await stack.db.selectFrom('runs').select('id').where('flow_id', '=', flowId).execute()).toHaveLength(1);
    await batcher.stop();
  });

  it('gives every entry back when Temporal does not answer, and stops claiming', async () => {
    const flowId = await eventFlow();
    await enter(flowId, 3 * COHORT_MAX);
    let calls = 0;
    const down: RunLauncher = {
      ...stack.launcher,
      async start() {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('connect ECONNREFUSED 127.0.0.1:7233');
      },
    };
    const batcher = createCohortBatcher({ db: stack.db, launcher: down });
    expect(await batcher.flush()).toBe(0);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect((await entriesOf(flowId)).every((e) => e.run_id === null)).toBe(true);
    expect(await stack.db.selectFrom('runs').select('id').where('flow_id', '=', flowId).execute()).toEqual([]);
    expect(await stack.db.selectFrom('flow_start_failures').select('flow_id').where('flow_id', '=', flowId).execute()).toEqual([]);
  });
});
