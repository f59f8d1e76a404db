/**
 * `GET /v1/customers/:id/journeys`: every run the customer is or was in, and where they stand.
 * `GET /v1/customers/:id/timeline`: what happened to them, and why they got what they got
 * (or nothing) in each run of the last 90 days.
 */
import { Hono } from 'hono';
import { customerJourneys, type Journey } from '../../engine/customers/journeys';
import { customerTimeline, type Timeline } from '../../engine/customers/timeline';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { notFound } from './errors';
import { iso, isoOrNull } from './iso';
import { pathId } from './validate';

function journeyJson(j: Journey) {
  return {
    runId: j.runId,
    flowId: j.flowId,
    flowName: j.flowName,
    version: j.version,
    runStatus: j.runStatus,
    source: j.source,
    enteredAt: iso(j.enteredAt),
    leftAt: isoOrNull(j.leftAt),
    currentStep: j.currentStep && { ...j.currentStep, waitingUntil: isoOrNull(j.currentStep.waitingUntil) },
    left: j.left,
  };
}

function timelineJson(t: Timeline) {
  return {
    customer: { ...t.customer, lastVisitAt: isoOrNull(t.customer.lastVisitAt) },
    items: t.items.map(({ heldUntil, ...item }) => ({ ...item, at: iso(item.at), ...(heldUntil ? { heldUntil: iso(heldUntil) } : {}) })),
    runs: t.runs.map((run) => ({ ...run, createdAt: iso(run.createdAt) })),
  };
}

/**
 * Mounted at `/v1/customers` beside `customersRoutes`: Hono tries both routers, and neither
 * claims the other's paths (`/:id` does not match `/:id/journeys`). Authentication is on
 * the route rather than `use`, so `customersRoutes`' own paths are not authenticated twice.
 */
export function customerJourneysRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .get('/:id/journeys', merchantAuth(db), async (c) => {
      const result = await customerJourneys(db, c.get('merchantId'), pathId(c.req.param('id'), 'Customer'));
      if (result.kind === 'customer_not_found') throw notFound('Customer');
      return c.json({ items: result.journeys.map(journeyJson) });
    })
    .get('/:id/timeline', merchantAuth(db), async (c) => {
      const result = await customerTimeline(db, c.get('merchantId'), pathId(c.req.param('id'), 'Customer'));
      if (result.kind === 'customer_not_found') throw notFound('Customer');
      return c.json(timelineJson(result.timeline));
    });
}
