/**
 * Flows: drafts (any structurally valid graph, with diagnostics), validation, publishing
 * versions (and reading one), pausing, resuming and archiving, starting runs by hand, and
 * previewing an email step for a customer.
 */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { flowGraphSchema } from '../../engine/compiler/graph-schema';
import { actorLabel } from './actor';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { idempotent } from './idempotency';
import { checkFlow } from '../../engine/flows/check';
import { listFlows } from '../../engine/flows/list';
import { previewEmail } from '../../engine/flows/preview-email';
import { publishFlow } from '../../engine/flows/publish';
import { flowQuotaProblem } from '../../engine/flows/quotas';
import { loadDraftState } from '../../engine/flows/draft-state';
import { setFlowStatus } from '../../engine/flows/status';
import { decodeCursor, page, pageQuery } from './pagination';
import { startRun } from '../../engine/runs/start-run';
import { startProblem } from '../../engine/runs/start-failures';
import { latestVersion } from '../../engine/runs/run-row';
import { previewSend } from '../../engine/runs/send-preview';
import { sendPreviewJson } from './send-preview-json';
import { jsonBody, pathId, query, uuid } from './validate';
import { iso } from './iso';

const name = z.string().trim().min(1).max(200);
const createFlow = z.object({ name, graph: flowGraphSchema });
const updateFlow = z.object({ name: name.optional(), graph: flowGraphSchema.optional() });

const listQuery = pageQuery.extend({
  // `journey` is the legacy name of `drawn` (before December 2026), still accepted.
  kind: z
    .enum(['drawn', 'campaign', 'all', 'journey'], 'must be drawn, campaign or all')
    .transform((kind) => (kind === 'journey' ? 'drawn' : kind))
    .optional(),
});
const sendPreviewQuery = z.object({ draft: z.enum(['true', 'false'], 'must be true or false').optional() });
const emailPreview = z.object({
  subject: z.string().max(1_000),
  body: z.string().max(50_000),
  customerId: uuid().optional(),
});

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
    const graph = flow.graph;
    const [versions, checked, problem, state] = await Promise.all([
      db
        .selectFrom('flow_versions')
        .select(['version', 'published_by', 'created_at'])
        .where('flow_id', '=', id)
        .orderBy('version')
        .execute(),
      checkFlow(db, merchantId, graph),
      startProblem(db, id),
      loadDraftState(db, id, graph),
    ]);
    return {
      id: flow.id,
      name: flow.name,
      status: flow.status,
      graph,
      diagnostics: checked.diagnostics,
      versions: versions.map((v) => ({ version: v.version, publishedBy: v.published_by, createdAt: iso(v.created_at) })),
      latestVersion: versions.at(-1)?.version ?? null,
      // Why its runs are not starting (Temporal refused them), until one starts again.
      notStarting: problem
        ? { version: problem.version, message: problem.message, failures: problem.failures, since: iso(problem.since), nextTryAt: iso(problem.nextTryAt) }
        : null,
      unpublishedChanges: state.unpublishedChanges,
      inFlight: state.inFlight,
      createdAt: iso(flow.created_at),
      updatedAt: iso(flow.updated_at),
    };
  }

  /** One published version of the merchant's flow; 404 for anything else. */
  async function versionOf(merchantId: string, rawId: string, raw: string) {
    const id = pathId(rawId, 'Flow');
    const number = /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
    const version =
      number === undefined
        ? undefined
        : await db
            .selectFrom('flow_versions as v')
            .innerJoin('flows as f', 'f.id', 'v.flow_id')
            .select(['v.flow_id', 'v.version', 'v.graph', 'v.plan', 'v.published_by', 'v.created_at'])
            .where('v.flow_id', '=', id)
            .where('f.merchant_id', '=', merchantId)
            .where('v.version', '=', number)
            .executeTakeFirst();
    if (!version) throw notFound('Flow version');
    return version;
  }

  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/validate', jsonBody(z.object({ graph: flowGraphSchema })), async (c) => {
      const result = await checkFlow(db, c.get('merchantId'), c.req.valid('json').graph);
      return c.json({ ok: result.ok, diagnostics: result.diagnostics, ...(result.ok ? { plan: result.plan } : {}) });
    })
    .post('/', idempotent(db), jsonBody(createFlow), async (c) => {
      const input = c.req.valid('json');
      const merchantId = c.get('merchantId');
      const quota = await flowQuotaProblem(db, merchantId);
      if (quota) throw new ApiError('conflict', quota);
      const flow = await db
        .insertInto('flows')
        .values({ merchant_id: merchantId, name: input.name, graph: JSON.stringify(input.graph) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { diagnostics } = await checkFlow(db, merchantId, input.graph);
      return c.json({ id: flow.id, diagnostics }, 201);
    })
    .post('/preview-email', jsonBody(emailPreview), async (c) => {
      const preview = await previewEmail(db, c.get('merchantId'), c.req.valid('json'));
      if (!preview.ok) throw new ApiError(preview.code, preview.message);
      const { ok: _ok, ...answer } = preview;
      return c.json(answer);
    })
    .get('/', query(listQuery), async (c) => {
      const { limit, cursor, kind } = c.req.valid('query');
      const after = cursor ? decodeCursor(cursor, ['timestamp', 'uuid']) : undefined;
      const rows = await listFlows(db, c.get('merchantId'), {
        limit,
        kind,
        after: after && { createdAt: String(after[0]), id: String(after[1]) },
      });
      const item = (f: (typeof rows)[number]) => ({
        id: f.id,
        name: f.name,
        kind: f.kind,
        status: f.status,
        trigger: f.trigger,
        publishedVersion: f.publishedVersion,
        /** Kept for older clients: the same as `publishedVersion`. */
        latestVersion: f.publishedVersion,
        lastRun: f.lastRun && { id: f.lastRun.id, status: f.lastRun.status, createdAt: iso(f.lastRun.createdAt) },
        sent30d: f.sent30d,
        createdAt: iso(f.createdAt),
        updatedAt: iso(f.updatedAt),
      });
      return c.json(page(rows, limit, item, (f) => [f.createdAtKey, f.id]));
    })
    .get('/:id', async (c) => c.json(await flowJson(c.get('merchantId'), pathId(c.req.param('id'), 'Flow'))))
    .get('/:id/versions/:version', async (c) => {
      const version = await versionOf(c.get('merchantId'), c.req.param('id'), c.req.param('version'));
      return c.json({
        version: version.version,
        graph: version.graph,
        plan: version.plan,
        publishedBy: version.published_by,
        createdAt: iso(version.created_at),
      });
    })
    .post('/:id/versions/:version/restore', async (c) => {
      const version = await versionOf(c.get('merchantId'), c.req.param('id'), c.req.param('version'));
      // Only the draft changes: the live version stays live until the owner publishes.
      await db
        .updateTable('flows')
        .set({ graph: JSON.stringify(version.graph), updated_at: sql`now()` })
        .where('id', '=', version.flow_id)
        .execute();
      return c.json(await flowJson(c.get('merchantId'), version.flow_id));
    })
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
      const published = await publishFlow(deps, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'), actorLabel(c));
      if (!published.ok) {
        throw new ApiError(published.code, published.message, 'details' in published ? published.details : undefined);
      }
      if (published.unchanged) return c.json({ version: published.version, plan: published.plan, unchanged: true }, 200);
      return c.json({ version: published.version, plan: published.plan, unchanged: false }, 201);
    })
    .post('/:id/:action{pause|resume|archive}', async (c) => {
      const action = c.req.param('action') as 'pause' | 'resume' | 'archive';
      const changed = await setFlowStatus(deps, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'), action);
      if (!changed.ok) throw new ApiError(changed.code, changed.message);
      return c.json(await flowJson(c.get('merchantId'), changed.flowId));
    })
    // `draft=true`: who the saved draft would reach, asked before publishing a flow that sends by itself.
    .get('/:id/send-preview', query(sendPreviewQuery), async (c) => {
      const id = pathId(c.req.param('id'), 'Flow');
      const merchantId = c.get('merchantId');
      const flow = await db.selectFrom('flows').select(['id', 'graph']).where('id', '=', id).where('merchant_id', '=', merchantId).executeTakeFirst();
      if (!flow) throw notFound('Flow');
      if (c.req.valid('query').draft === 'true') {
        const checked = await checkFlow(db, merchantId, flow.graph);
        if (!checked.ok || !checked.plan) {
          throw new ApiError('unprocessable', 'The draft has problems; fix them to see who it would reach', { diagnostics: checked.diagnostics });
        }
        const preview = await previewSend(db, { merchantId, plan: checked.plan, flowId: id });
        return c.json({ version: null, ...sendPreviewJson(preview) });
      }
      const latest = await latestVersion(db, id);
      if (!latest) throw new ApiError('conflict', 'This flow has no published version: publish the flow first');
      const preview = await previewSend(db, { merchantId: c.get('merchantId'), plan: latest.plan, flowId: id });
      return c.json({ version: latest.version, ...sendPreviewJson(preview) });
    })
    .post('/:id/runs', idempotent(db), async (c) => {
      const started = await startRun(deps, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'));
      if (!started.ok) throw new ApiError(started.code, started.message);
      return c.json(started.run, 202);
    });
}
