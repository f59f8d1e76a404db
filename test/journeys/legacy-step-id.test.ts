/**
 * Payloads written before `stepId` became `nodeId` (December 2026). Temporal keeps a
 * continued run's input and every scheduled activity's input in the run's history, so a
 * run parked by the older code resumes with tokens that say `stepId`, and its activity
 * tasks may still carry `stepId`: both are read as the node id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { snapshotAudience } from '../../engine/audience/snapshot';
import { compileFlow } from '../../engine/compiler/compiler';
import type { Plan } from '../../engine/compiler/plan';
import { runFlow } from '../../workflows/run-flow';
import { runWorkflowId, type RunWorkflowInput } from '../../workflows/types';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../support/seed';
import { DEFAULT_CHANNELS, startStack, type Stack } from '../support/stack';
import { edge, journey, node } from './graphs';

let stack: Stack;
let merchant: SeededMerchant;

beforeAll(async () => {
  stack = await startStack();
  merchant = await seedMerchant(stack.db, 'Legacy Café');
  await seedCustomers(stack.db, merchant, 3);
});

afterAll(async () => {
  await stack.stop();
});

/** A run of `graph` with its audience taken, not yet started: as a parked run left it. */
async function openRun(graph: unknown): Promise<{ runId: string; plan: Plan }> {
  const compiled = compileFlow(graph);
  if (!compiled.ok) throw new Error(`flow does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  const { plan } = compiled;
  const flow = await stack.db
    .insertInto('flows')
    .values({ merchant_id: merchant.merchantId, name: 'legacy flow', graph: JSON.stringify(graph) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await stack.db
    .insertInto('flow_versions')
    .values({ flow_id: flow.id, version: 1, graph: JSON.stringify(graph), plan: JSON.stringify(plan) })
    .execute();
  const runId = randomUUID();
  await stack.db
    .insertInto('runs')
    .values({
      id: runId,
      merchant_id: merchant.merchantId,
      flow_id: flow.id,
      version: 1,
      workflow_id: runWorkflowId(runId),
      status: 'scheduled',
      send_at: null,
      error: null,
      started_at: null,
      finished_at: null,
    })
    .execute();
  const members = await snapshotAudience(stack.db, {
    runId,
    merchantId: merchant.merchantId,
    triggerNodeId: plan.triggerNodeId,
    cardId: merchant.cardId,
    trigger: plan.trigger,
  });
  expect(members).toBe(3);
  return { runId, plan };
}

async function leftBy(runId: string, nodeId: string): Promise<Record<string, number>> {
  const rows = await stack.db
    .selectFrom('run_step_members')
    .select(['outcome', (eb) => eb.fn.countAll<string>().as('n')])
    .where('run_id', '=', runId)
    .where('node_id', '=', nodeId)
    .groupBy('outcome')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.outcome ?? '', Number(r.n)]));
}

/** The messages a step sent (one per member, whatever became of it). */
async function deliveriesAt(runId: string, nodeId: string): Promise<number> {
  const row = await stack.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('run_id', '=', runId)
    .where('node_id', '=', nodeId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('payloads that name the node `stepId`', () => {
  it('a run that continued as new with tokens saying `stepId` resumes them: the parked step and the parked wait go on', async () => {
    const graph = journey({ trigger: 'broadcast' }, [node('hello', 'push', { text: 'Hello' })], {
      nodes: [node('hold', 'wait', { for: { seconds: 1 } }), node('later', 'push', { text: 'Later' })],
      edges: [edge('trigger', 'hold'), edge('hold', 'later')],
    });
    const { runId, plan } = await openRun(graph);
    const group = { nodeId: 'trigger', outcome: null };
    const range = { from: 1, to: 4 };
    const now = Date.now();
    // As the code before the rename wrote the next execution's input.
    const input: RunWorkflowInput = {
      runId,
      merchantId: merchant.merchantId,
      plan,
      resume: {
        steps: [{ stepId: 'hello', group, range }],
        waits: [{ stepId: 'hold', group, range, startedAt: now, until: now + 1_000, batches: 0 }],
        members: 3,
      },
    };
    const handle = await stack.client.workflow.start(runFlow, {
      taskQueue: stack.taskQueue,
      workflowId: runWorkflowId(runId),
      args: [input],
    });
    expect(await handle.result()).toEqual({ members: 3 });
    expect(await deliveriesAt(runId, 'hello')).toBe(3);
    expect(await deliveriesAt(runId, 'later')).toBe(3);
  }, 30_000);

  it('an activity task scheduled with `stepId` works on that node', async () => {
    const { runId } = await openRun(journey({ trigger: 'broadcast' }, [node('hold', 'wait', { untilVisit: { days: 1 } })]));
    const activities = createActivities({ db: stack.db, channels: DEFAULT_CHANNELS });
    const left = await activities.closeVisitWait({
      runId,
      stepId: 'hold',
      group: { nodeId: 'trigger', outcome: null },
      range: { from: 1, to: 4 },
      groupKey: 'trigger',
    });
    expect(left.count).toBe(3);
    expect(await leftBy(runId, 'hold')).toEqual({ timeout: 3 });
  });
});
