/**
 * Flows: drafts (any structurally valid graph, with diagnostics), validation, publishing
 * versions, pausing, resuming and archiving, and starting runs by hand.
 */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { flowGraphSchema, type FlowGraph } from '../flow/graph-schema';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { checkFlow } from '../flows/check';
import { publishFlow } from '../flows/publish';
import { setFlowStatus } from '../flows/status';
import { createdAfter, page, pageQuery } from './pagination';
import { startRun } from '../runs/start-run';
import { jsonBody, pathId, query } from './validate';
import { iso } from './iso';

const name = z.string().trim().min(1).max(200);
const createFlow = z.object({ name, graph: flowGraphSchema });
const updateFlow = z.object({ name: name.optional(), graph: flowGraphSchema.optional() });

const latestVersion = sql<number | null>`(select max(version) from flow_versions where flow_id = flows.id)`;

/** Mounted at `/v1/flows`. */
export function flowsRoutes(deps: AppDeps) {
  const { db } = deps;

  async function flowJson(merchantId: string, id: string) {
    const flow = await db
      .selectFrom('flows')
      .select(['id', 'name', 'graph', 'status', 'created_at', 'updated_at'])
      .where('id', '=', id)
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    if (!flow) throw notFound('Flow');
    const graph = flow.graph as FlowGraph;
    const [versions, checked] = await Promise.all([
      db
        .selectFrom('flow_versions')
        .select(['version', 'created_at'])
        .where('flow_id', '=', id)
        .orderBy('version')
        .execute(),
      checkFlow(db, merchantId, graph),
    ]);
    return {
      id: flow.id,
      name: flow.name,
      status: flow.status,
      graph,
      diagnostics: checked.diagnostics,
      versions: versions.map((v) => ({ version: v.version, createdAt: iso(v.created_at) })),
      latestVersion: versions.at(-1)?.version ?? null,
      createdAt: iso(flow.created_at),
      updatedAt: iso(flow.updated_at),
    };
  }

  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/validate', jsonBody(z.object({ graph: flowGraphSchema })), async (c) => {
      const result = await checkFlow(db, c.get('merchantId'), c.req.valid('json').graph);
      return c.json({ ok: result.ok, diagnostics: result.diagnostics, ...(result.plan ? { plan: result.plan } : {}) });
    })
    .post('/', jsonBody(createFlow), async (c) => {
      const input = c.req.valid('json');
      const merchantId = c.get('merchantId');
      const flow = await db
        .insertInto('flows')
        .values({ merchant_id: merchantId, name: input.name, graph: JSON.stringify(input.graph) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { diagnostics } = await checkFlow(db, merchantId, input.graph);
      return c.json({ id: flow.id, diagnostics }, 201);
    })
    .get('/', query(pageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      let q = db
        .selectFrom('flows')
        .select(['id', 'name', 'status', 'created_at', 'updated_at', latestVersion.as('latest_version')])
        .select(sql<string>`created_at::text`.as('created_at_key'))
        .where('merchant_id', '=', c.get('merchantId'));
      if (cursor) q = q.where(createdAfter(cursor, 'asc'));
      const rows = await q
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const item = (f: (typeof rows)[number]) => ({
        id: f.id,
        name: f.name,
        status: f.status,
        createdAt: iso(f.created_at),
        updatedAt: iso(f.updated_at),
        latestVersion: f.latest_version,
      });
      return c.json(page(rows, limit, item, (f) => [f.created_at_key, f.id]));
    })
    .get('/:id', async (c) => c.json(await flowJson(c.get('merchantId'), pathId(c.req.param('id'), 'Flow'))))
    .put('/:id', jsonBody(updateFlow), async (c) => {
      const id = pathId(c.req.param('id'), 'Flow');
      const input = c.req.valid('json');
      if (input.name === undefined && input.graph === undefined) {
        throw new ApiError('bad_request', 'Send a name, a graph or both');
      }
      const updated = await db
        .updateTable('flows')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.graph !== undefined ? { graph: JSON.stringify(input.graph) } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('merchant_id', '=', c.get('merchantId'))
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw notFound('Flow');
      return c.json(await flowJson(c.get('merchantId'), id));
    })
    .post('/:id/publish', async (c) => {
      const published = await publishFlow(deps, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'));
      if (!published.ok) {
        throw new ApiError(published.code, published.message, 'diagnostics' in published ? { diagnostics: published.diagnostics } : undefined);
      }
      return c.json({ version: published.version, plan: published.plan }, 201);
    })
    .post('/:id/:action{pause|resume|archive}', async (c) => {
      const action = c.req.param('action') as 'pause' | 'resume' | 'archive';
      const changed = await setFlowStatus(deps, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'), action);
      if (!changed.ok) throw new ApiError(changed.code, changed.message);
      return c.json(await flowJson(c.get('merchantId'), changed.flowId));
    })
    .post('/:id/runs', async (c) => {
      const started = await startRun(deps, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'));
      if (!started.ok) throw new ApiError(started.error.code, started.error.message);
      return c.json(started.run, 202);
    });
}
