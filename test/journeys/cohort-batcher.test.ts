/**
 * The cohort batcher's drain on a real database and the suite's Temporal dev server: a version
 * Temporal refuses backs off with one failed run saying why and its entries pending; when
 * Temporal does not answer, every entry goes back to pending and no run row is left behind.
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

describe('the cohort batcher', () => {
  it('backs a refused version off: one failed run says why, every entry pending, the next drain leaves it alone', async () => {
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
