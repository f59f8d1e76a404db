/**
 * What happened in a run: totals and per-step counts, from two grouped queries
 * (deliveries by node and status, step members by node), never one query per step.
 */
import type { Db } from '../../engine/db/database';
import type { DeliveryStatus, Run } from '../../engine/db/schema';
import type { Plan } from '../../engine/compiler/plan';
import { iso } from './iso';
import { tallyOf } from '../../engine/deliveries/status';
import { summarisedDeliveries } from '../../engine/retention/summaries';

/** Finished deliveries by status; `sending` rows are in flight and count in none. */
export interface DeliveryCounts {
  sent: number;
  failed: number;
  suppressed: number;
  skipped: number;
}

export interface StepCounts extends DeliveryCounts {
  entered: number;
  /** Members waiting at this step now (a wait), and until when the first of them waits. */
  waiting: number;
  waitingUntil?: string;
}

export const zeroCounts = (): DeliveryCounts => ({ sent: 0, failed: 0, suppressed: 0, skipped: 0 });

/** Adds `n` deliveries of `status` to `counts` (ignoring `sending`). */
export function addCount(counts: DeliveryCounts, status: DeliveryStatus | string, n: number): void {
  const tally = tallyOf(status);
  if (tally) counts[tally] += n;
}

/** The run as the API answers it, without counts; `sendAt`, `finishedAt`, `error` only when set. */
export function runJson(run: Run) {
  return {
    id: run.id,
    flowId: run.flow_id,
    version: run.version,
    workflowId: run.workflow_id,
    status: run.status,
    source: run.source,
    createdAt: iso(run.created_at),
    startedAt: iso(run.started_at ?? run.created_at),
    ...(run.send_at !== null ? { sendAt: iso(run.send_at) } : {}),
    ...(run.finished_at !== null ? { finishedAt: iso(run.finished_at) } : {}),
    ...(run.error !== null ? { error: run.error } : {}),
  };
}

/**
 * The run's workflow in the Temporal web UI, or null when no UI is configured.
 *
 * @example temporalUrl({ url: 'http://localhost:8233', namespace: 'default' }, 'run-1')
 * // 'http://localhost:8233/namespaces/default/workflows/run-1'
 */
export function temporalUrl(
  ui: { readonly url: string; readonly namespace: string } | undefined,
  workflowId: string,
): string | null {
  if (!ui) return null;
  return `${ui.url}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Totals and per-step counts of one run; steps of the plan that nobody entered show zeros. */
export async function runCounts(db: Db, run: Run, plan: Plan | undefined) {
  const [ledger, summarised, entered, waits] = await Promise.all([
    db
      .selectFrom('deliveries')
      .select(['node_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('run_id', '=', run.id)
      .groupBy(['node_id', 'status'])
      .execute(),
    // A run summarised by retention keeps its counts there (its ledger rows are gone).
    summarisedDeliveries(db, [run.id]),
    db
      .selectFrom('run_step_pages')
      .select(['node_id', (eb) => eb.fn.sum<number>('entered').as('n')])
      .where('run_id', '=', run.id)
      .groupBy('node_id')
      .execute(),
    openWaits(db, run.id),
  ]);
  const byStatus = [...ledger, ...summarised];
  // A Map, not an object literal: a node id such as "__proto__" must stay a plain key.
  const steps = new Map<string, StepCounts>();
  const step = (nodeId: string): StepCounts => {
    let counts = steps.get(nodeId);
    if (!counts) steps.set(nodeId, (counts = { entered: 0, waiting: 0, ...zeroCounts() }));
    return counts;
  };
  for (const nodeId of Object.keys(plan?.steps ?? {})) step(nodeId);
  const totals = zeroCounts();
  for (const row of entered) step(row.node_id).entered += Number(row.n);
  for (const wait of waits) {
    const counts = step(wait.node_id);
    counts.waiting += wait.waiting;
    const until = iso(wait.until);
    if (counts.waitingUntil === undefined || until < counts.waitingUntil) counts.waitingUntil = until;
  }
  for (const row of byStatus) {
    addCount(step(row.node_id), row.status, Number(row.n));
    addCount(totals, row.status, Number(row.n));
  }
  return { counts: { members: run.member_count, ...totals }, steps: Object.fromEntries(steps) };
}

/** Open waits of a run with how many still wait in each (visitors of a wait for a visit have left). */
async function openWaits(db: Db, runId: string) {
  const rows = await db
    .selectFrom('run_waits as w')
    .select(['w.node_id', 'w.until', 'w.members', 'w.mode'])
    .select((eb) =>
      eb
        .selectFrom('run_step_members as m')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('m.run_id', '=', 'w.run_id')
        .whereRef('m.node_id', '=', 'w.node_id')
        .where('m.outcome', '=', 'visited')
        .as('visited'),
    )
    .where('w.run_id', '=', runId)
    .where('w.finished_at', 'is', null)
    .execute();
  return rows.map((w) => ({
    node_id: w.node_id,
    until: w.until,
    waiting: Math.max(0, w.members - Number(w.visited ?? 0)),
  }));
}
