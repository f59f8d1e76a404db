/** Runs: list, report (counts per status and per step), cancel, deliveries, Temporal history. */
import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { createdAfter, page, pageQuery } from './pagination';
import { deliveriesQuery, listDeliveries } from './run-deliveries';
import { listRunVouchers, runVouchersQuery } from './run-vouchers';
import { whyNothingSent } from '../../engine/runs/why-nothing';
import { addCount, runCounts, runJson, temporalUrl, zeroCounts, type DeliveryCounts } from './run-report';
import { runHistory } from '../temporal/read-run-history';
import { pathId, query, uuid } from './validate';
import { summarisedDeliveries } from '../../engine/retention/summaries';

const listQuery = pageQuery.extend({ flowId: uuid().optional() });

/** The plan of the version the run is pinned to. */
async function runPlan(db: Db, run: { flow_id: string; version: number }) {
  const row = await db
    .selectFrom('flow_versions')
    .select('plan')
    .where('flow_id', '=', run.flow_id)
    .where('version', '=', run.version)
    .executeTakeFirst();
  return row?.plan;
}

async function findRun(db: Db, merchantId: string, rawId: string | undefined) {
  const run = await db
    .selectFrom('runs')
    .innerJoin('flows', 'flows.id', 'runs.flow_id')
    .selectAll('runs')
    .select('flows.name as flow_name')
    .where('runs.id', '=', pathId(rawId, 'Run'))
    .where('runs.merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!run) throw notFound('Run');
  return run;
}

/** Mounted at `/v1/runs`. */
export function runsRoutes(deps: AppDeps) {
  const { db, launcher } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .get('/', query(listQuery), async (c) => {
      const { limit, cursor, flowId } = c.req.valid('query');
      let q = db
        .selectFrom('runs')
        .selectAll()
        .select(sql<string>`created_at::text`.as('created_at_key'))
        .where('merchant_id', '=', c.get('merchantId'));
      if (flowId) q = q.where('flow_id', '=', flowId);
      if (cursor) q = q.where(createdAfter(cursor, 'desc'));
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const shown = rows.slice(0, limit);
      const grouped = shown.length
        ? await db
            .selectFrom('deliveries')
            .select(['run_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
            .where(
              'run_id',
              'in',
              shown.map((r) => r.id),
            )
            .groupBy(['run_id', 'status'])
            .execute()
        : [];
      const summarised = await summarisedDeliveries(
        db,
        shown.map((r) => r.id),
      );
      const counts = new Map<string, DeliveryCounts>(shown.map((r) => [r.id, zeroCounts()]));
      for (const row of [...grouped, ...summarised]) addCount(counts.get(row.run_id) ?? zeroCounts(), row.status, Number(row.n));
      return c.json(
        page(
          rows,
          limit,
          (run) => ({
            ...runJson(run),
            counts: { members: run.member_count, ...(counts.get(run.id) ?? zeroCounts()) },
          }),
          (run) => [run.created_at_key, run.id],
        ),
      );
    })
    .get('/:id', async (c) => {
      const run = await findRun(db, c.get('merchantId'), c.req.param('id'));
      const plan = await runPlan(db, run);
      const report = await runCounts(db, run, plan);
      return c.json({
        ...runJson(run),
        flowName: run.flow_name,
        temporalUrl: temporalUrl(deps.temporalUi, run.workflow_id),
        ...report,
      });
    })
    .post('/:id/cancel', async (c) => {
      const run = await findRun(db, c.get('merchantId'), c.req.param('id'));
      if (run.status !== 'scheduled' && run.status !== 'running') {
        throw new ApiError('conflict', `The run is already ${run.status}`);
      }
      try {
        await launcher.cancel(run.workflow_id);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new ApiError('unavailable', `Temporal is not reachable: ${reason}`);
      }
      return c.json({ id: run.id, status: run.status }, 202);
    })
    .get('/:id/deliveries', query(deliveriesQuery), async (c) => {
      const run = await findRun(db, c.get('merchantId'), c.req.param('id'));
      return c.json(await listDeliveries(db, run.id, c.req.valid('query')));
    })
    .get('/:id/vouchers', query(runVouchersQuery), async (c) => {
      const run = await findRun(db, c.get('merchantId'), c.req.param('id'));
      return c.json(await listRunVouchers(db, c.get('merchantId'), run.id, c.req.valid('query')));
    })
    // Members who got nothing, grouped by the first thing that stopped them.
    .get('/:id/nothing-sent', async (c) => {
      const run = await findRun(db, c.get('merchantId'), c.req.param('id'));
      const plan = await runPlan(db, run);
      const groups = plan ? await whyNothingSent(db, run.id, plan) : [];
      return c.json({ groups, total: groups.reduce((sum, g) => sum + g.count, 0) });
    })
    .get('/:id/history', async (c) => {
      const run = await findRun(db, c.get('merchantId'), c.req.param('id'));
      const history = await runHistory(launcher, run.workflow_id);
      if (!history.ok) throw new ApiError(history.code, history.message);
      return c.json({
        workflowId: run.workflow_id,
        temporalUrl: temporalUrl(deps.temporalUi, run.workflow_id),
        events: history.events,
        runs: history.runs,
        truncated: history.truncated,
      });
    });
}
