/**
 * Per message step of a flow, over its runs entered in a range: how many customers got the
 * message (a push or email that went out, or a voucher issued) and how many of them came
 * back, by each run's own goal and window (the same rule as the run's result). The canvas
 * shows it on each step of a published flow ("312 got it · 41 came back").
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { goalCustomersSql } from './outcomes';
import { loadMeasuredRuns, type MeasuredRun } from './measured-runs';

export interface StepResult {
  readonly nodeId: string;
  /** Customers who got this step's message (each once per run). */
  readonly got: number;
  /** Of them, those who met the run's goal in its window. */
  readonly cameBack: number;
}

/** Deliveries that reached the customer (a bounce did not; failed, skipped, suppressed never left). */
const GOT_STATUSES = ['sent', 'delivered', 'complained'];

/** The flow's message steps over its runs entered in [since, until); null when the merchant has no such flow. */
export async function stepResults(
  db: Db,
  merchantId: string,
  flowId: string,
  range: { readonly since: Date; readonly until: Date },
): Promise<StepResult[] | null> {
  const flow = await db.selectFrom('flows').select('id').where('id', '=', flowId).where('merchant_id', '=', merchantId).executeTakeFirst();
  if (!flow) return null;
  const runs = (await loadMeasuredRuns(db, merchantId, { flowId, ...range })).filter((r) => r.started);
  const perRun = await Promise.all(runs.map((r) => runSteps(db, merchantId, r)));
  const byNode = new Map<string, { got: number; cameBack: number }>();
  for (const rows of perRun)
    for (const r of rows) {
      const sum = byNode.get(r.node_id) ?? { got: 0, cameBack: 0 };
      byNode.set(r.node_id, { got: sum.got + r.got, cameBack: sum.cameBack + r.came_back });
    }
  return [...byNode].map(([nodeId, n]) => ({ nodeId, ...n })).sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}

/** One run's message step: distinct recipients and those of them who came back. */
export interface RunStep {
  readonly node_id: string;
  readonly got: number;
  readonly came_back: number;
}

/** One run's message steps: distinct recipients per node, and those among them with a goal event in the window. */
export async function runSteps(db: Db, merchantId: string, run: MeasuredRun): Promise<RunStep[]> {
  if (run.summary) return run.summary.steps.map((s) => ({ node_id: s.nodeId, got: s.got, came_back: s.cameBack }));
  const { rows } = await sql<RunStep>`
    with got as (
      select d.node_id, d.customer_id from deliveries d where d.run_id = ${run.id} and d.status = any(${GOT_STATUSES}::text[])
      union
      select v.node_id, v.customer_id from vouchers v where v.run_id = ${run.id} and v.node_id is not null
    ), back as (select distinct customer_id from (${goalCustomersSql(merchantId, run)}) g)
    select got.node_id, count(*)::int as got, count(back.customer_id)::int as came_back
    from got left join back on back.customer_id = got.customer_id
    group by got.node_id`.execute(db);
  return rows;
}
