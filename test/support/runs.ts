/**
 * Starts runs the way the API does (flow → published version → run row → workflow), for
 * tests that exercise the engine below the HTTP layer, and waits for them.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { compileFlow } from '../../engine/compiler/compiler';
import { runWorkflowId } from '../../server/temporal/run-launcher';
import type { Stack } from './stack';

export interface StartedRun {
  readonly runId: string;
  readonly workflowId: string;
}

/** Publishes `graph` as a new flow and starts a run of it. Throws on diagnostics. */
export async function startRun(
  stack: Pick<Stack, 'db' | 'launcher'>,
  merchantId: string,
  graph: unknown,
): Promise<StartedRun> {
  const compiled = compileFlow(graph);
  if (!compiled.ok || !compiled.plan) throw new Error(`flow does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  const plan = compiled.plan;
  const flow = await stack.db
    .insertInto('flows')
    .values({ merchant_id: merchantId, name: 'test flow', graph: JSON.stringify(graph) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await stack.db
    .insertInto('flow_versions')
    .values({ flow_id: flow.id, version: 1, graph: JSON.stringify(graph), plan: JSON.stringify(plan) })
    .execute();
  const runId = randomUUID();
  const workflowId = runWorkflowId(runId);
  await stack.db
    .insertInto('runs')
    .values({
      id: runId,
      merchant_id: merchantId,
      flow_id: flow.id,
      version: 1,
      workflow_id: workflowId,
      status: 'scheduled',
      send_at: null,
      error: null,
      started_at: null,
      finished_at: null,
    })
    .execute();
  await stack.launcher.start({ runId, merchantId, plan });
  return { runId, workflowId };
}

/** Waits for the run's workflow to end; returns its final status from the database. */
export async function waitForRun(stack: Pick<Stack, 'db' | 'client'>, run: StartedRun): Promise<string> {
  try {
    await stack.client.workflow.getHandle(run.workflowId).result();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
  }
  const row = await stack.db.selectFrom('runs').select('status').where('id', '=', run.runId).executeTakeFirstOrThrow();
  return row.status;
}

/** Delivery counts of a run by channel and status, e.g. `{"email:sent": 700, "push:sent": 1000}`. */
export async function deliveryCounts(stack: Pick<Stack, 'db'>, runId: string): Promise<Record<string, number>> {
  const rows = await stack.db
    .selectFrom('deliveries')
    .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy(['channel', 'status'])
    .execute();
  return Object.fromEntries(rows.map((r) => [`${r.channel}:${r.status}`, Number(r.n)]));
}

/** The customers whose delivery the ledger shows claimed more than once (`attempts > 1`) in the run. */
export async function retriedCustomers(stack: Pick<Stack, 'db'>, runId: string): Promise<Set<string>> {
  const rows = await stack.db
    .selectFrom('deliveries')
    .select('customer_id')
    .where('run_id', '=', runId)
    .where('attempts', '>', 1)
    .execute();
  return new Set(rows.map((r) => r.customer_id));
}

/** Polls `check` every 100 ms until it holds; throws naming `what` (and `context()`, if given) after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  context: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${context() ? `\n${context()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
