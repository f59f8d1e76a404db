/**
 * Results over HTTP: did a run (or a flow's runs) bring customers back, against the members
 * kept back? The measurement lives in `engine/results/`; this file is HTTP only.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { DayConversions } from '../../engine/results/outcomes';
import type { ResultMember } from '../../engine/results/members';
import { runMembers } from '../../engine/results/members';
import { conversionsByDay } from '../../engine/results/outcomes';
import { loadMeasuredRuns } from '../../engine/results/measured-runs';
import { flowResults, runResults, type Results } from '../../engine/results/results';
import { stepResults } from '../../engine/results/steps';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { iso, isoOrNull } from './iso';
import { decodeCursor, page, pageQuery } from './pagination';
import { pathId, query, timestamp } from './validate';

const DAY_MS = 86_400_000;
/** A flow's results look back this far when `since` is not given. */
const DEFAULT_RANGE_DAYS = 30;

const membersQuery = pageQuery.extend({
  group: z.enum(['treated', 'holdout'], { error: 'must be treated or holdout' }).optional(),
  converted: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});

const rangeQuery = z.object({ since: timestamp().optional(), until: timestamp().optional() });

function resultsJson(r: Results) {
  return {
    goal: { event: r.goal.event, withinDays: r.goal.withinDays },
    windowEndsAt: isoOrNull(r.windowEndsAt),
    treated: r.treated,
    holdout: r.holdout,
    lift: r.lift,
    extra: r.extra,
    verdict: r.verdict,
  };
}

function memberJson(m: ResultMember) {
  return {
    customerId: m.customerId,
    name: m.name,
    group: m.group,
    enteredAt: iso(m.enteredAt),
    convertedAt: isoOrNull(m.convertedAt),
  };
}

/**
 * Mounted at `/v1/runs` beside `runsRoutes` (and `/v1/flows` beside `flowsRoutes` below);
 * authentication is on each route, as in `customer-journeys.routes.ts`.
 */
export function runResultsRoutes(deps: AppDeps) {
  const { db } = deps;
  const auth = merchantAuth(db);
  return new Hono<MerchantEnv>()
    .get('/:id/results', auth, async (c) => {
      const results = await runResults(db, c.get('merchantId'), pathId(c.req.param('id'), 'Run'));
      if (!results) throw notFound('Run');
      return c.json(resultsJson(results));
    })
    .get('/:id/results/days', auth, async (c) => {
      const runs = await loadMeasuredRuns(db, c.get('merchantId'), { runId: pathId(c.req.param('id'), 'Run') });
      if (runs.length === 0) throw notFound('Run');
      const days: DayConversions[] = await conversionsByDay(db, c.get('merchantId'), runs);
      return c.json({ withinDays: runs[0]?.goal.withinDays ?? 0, days });
    })
    .get('/:id/members', auth, query(membersQuery), async (c) => {
      const { limit, cursor, group, converted } = c.req.valid('query');
      const afterSeq = cursor ? Number(decodeCursor(cursor, ['int'])[0]) : undefined;
      const filter = { group, converted: converted === undefined ? undefined : converted === 'true', afterSeq, limit: limit + 1 };
      const rows = await runMembers(db, c.get('merchantId'), pathId(c.req.param('id'), 'Run'), filter);
      if (!rows) throw notFound('Run');
      const { items, nextCursor } = page(rows, limit, memberJson, (m) => [m.seq]);
      return c.json({ items, nextCursor: nextCursor ?? null });
    });
}

/** A `since`/`until` query as a range: until now and 30 days back by default. */
function rangeOf(q: { since?: string | undefined; until?: string | undefined }): { since: Date; until: Date } {
  const until = q.until ? new Date(q.until) : new Date();
  const since = q.since ? new Date(q.since) : new Date(until.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (since.getTime() >= until.getTime()) throw new ApiError('bad_request', 'since must be before until');
  return { since, until };
}

/**
 * Mounted at `/v1/flows`: a flow's result over its runs entered in a range, and per message
 * step how many got it and how many of them came back (the canvas of a published flow).
 */
export function flowResultsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .get('/:id/results', merchantAuth(db), query(rangeQuery), async (c) => {
      const results = await flowResults(db, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'), rangeOf(c.req.valid('query')));
      if (!results) throw notFound('Flow');
      return c.json({ ...resultsJson(results), runs: results.runs });
    })
    .get('/:id/results/steps', merchantAuth(db), query(rangeQuery), async (c) => {
      const range = rangeOf(c.req.valid('query'));
      const items = await stepResults(db, c.get('merchantId'), pathId(c.req.param('id'), 'Flow'), range);
      if (!items) throw notFound('Flow');
      return c.json({ since: iso(range.since), until: iso(range.until), items });
    });
}
