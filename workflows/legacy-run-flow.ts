/**
 * The run workflow as it was before journeys (broadcasts only), kept verbatim so that runs
 * started by that code — some may be sleeping on a timer for months — replay and finish
 * with it. `runFlow` sends a run here when its history has no `journeys` patch marker.
 * Never change what this code does; remove it only when no such run can still be open.
 */
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  sleep,
} from '@temporalio/workflow';
import type { RunActivities } from '../activities';
import type { MemberGroup } from '../engine/runs/member-group';
import type { ForWaitStep, Plan, Step } from '../engine/compiler/plan';
import type { RunResult, RunWorkflowInput } from './types';

const CHUNK_SIZE = 5_000;
const CHUNKS_IN_FLIGHT = 4;

const { snapshotAudience, processStep } = proxyActivities<RunActivities>({
  startToCloseTimeout: '10 minutes',
  // Activities heartbeat every second; a worker silent for 5 s is dead and its pages move on.
  heartbeatTimeout: '5 seconds',
  // Short, gentle backoff: one chunk can meet several unrelated faults in a row, and the
  // step waits for its slowest chunk.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 1.5, maximumInterval: '15 seconds' },
});
const { finishRun } = proxyActivities<RunActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function legacyRunFlow(input: RunWorkflowInput): Promise<RunResult> {
  const { runId, merchantId, plan } = input;
  try {
    await waitUntilSendAt(plan);
    const members = await snapshotAudience({
      runId,
      merchantId,
      triggerNodeId: plan.triggerNodeId,
      cardId: plan.trigger.cardId,
    });
    log.info('run started', { runId, members });
    const snapshot: MemberGroup = { nodeId: plan.triggerNodeId, outcome: null };
    if (members > 0) await Promise.all(plan.entry.map((id) => runStep(input, stepOf(plan, id), snapshot, members)));
    await finishRun({ runId, status: 'completed' });
    return { members };
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => finishRun({ runId, status: 'cancelled' }));
    } else {
      const message = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      await finishRun({ runId, status: 'failed', error: message });
    }
    throw err;
  }
}

async function waitUntilSendAt(plan: Plan): Promise<void> {
  if (plan.trigger.kind !== 'broadcast' || !plan.trigger.sendAt) return;
  const delay = Date.parse(plan.trigger.sendAt) - Date.now();
  if (delay > 0) await sleep(delay);
}

/**
 * Runs a step over its whole group, then its successors (each outcome that has members).
 * A segment's outcomes become the groups of the steps after it; any other step hands its
 * own group on.
 */
async function runStep(input: RunWorkflowInput, step: Step, group: MemberGroup, members: number): Promise<void> {
  // Plans of that time had only fixed waits.
  if (step.kind === 'wait') await sleep((step as ForWaitStep).durationMs);
  const counts: Record<string, number> = {};
  const ranges: Array<[number, number]> = [];
  for (let from = 1; from <= members; from += CHUNK_SIZE) ranges.push([from, Math.min(from + CHUNK_SIZE, members + 1)]);
  await inBatches(ranges, CHUNKS_IN_FLIGHT, async ([fromSeq, toSeq]) => {
    const got = await processStep({ runId: input.runId, merchantId: input.merchantId, step, group, range: { from: fromSeq, to: toSeq } });
    for (const [outcome, n] of Object.entries(got)) counts[outcome] = (counts[outcome] ?? 0) + n;
  });
  const next: Promise<void>[] = [];
  for (const [outcome, targets] of Object.entries(step.next)) {
    if (!counts[outcome]) continue;
    const nextGroup = step.kind === 'segment' ? { nodeId: step.id, outcome } : group;
    for (const id of targets) next.push(runStep(input, stepOf(input.plan, id), nextGroup, members));
  }
  await Promise.all(next);
}

function stepOf(plan: Plan, id: string): Step {
  const step = plan.steps[id];
  if (!step) throw ApplicationFailure.nonRetryable(`plan has no step ${id}`, 'InvalidPlan');
  return step;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
