/**
 * `POST /v1/events`: a visit, a stamp or a redeemed reward. Records the event with what it
 * changes (see `engine/customers/events.ts`), then hands new journey entries to the cohort
 * batcher and tells runs waiting for this customer's visit. `POST /v1/events/:id/undo` takes
 * back a stamp given by mistake (within minutes, see `engine/customers/undo-stamp.ts`).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { EVENT_TYPES, recordEvent } from '../../engine/customers/events';
import { undoStamp } from '../../engine/customers/undo-stamp';
import { signalVisit } from '../../engine/runs/visit-signals';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { idempotent } from './idempotency';
import { jsonBody, pathId, timestamp, uuid } from './validate';

/** Clocks differ a little; an event further in the future than this is a mistake. */
const FUTURE_SLACK_MS = 5 * 60_000;

const eventBody = z
  .object({
    /** The client's id for this event: sending the same id again is the same event. */
    id: z.string().trim().min(1).max(200).optional(),
    customerId: uuid().optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
    type: z.enum(EVENT_TYPES),
    at: timestamp().optional(),
  })
  .refine((e) => (e.customerId === undefined) !== (e.externalId === undefined), {
    message: 'give exactly one of customerId and externalId',
    path: ['customerId'],
  });

/** Mounted at `/v1/events`. */
export function eventsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/', idempotent(db), jsonBody(eventBody), async (c) => {
      const input = c.req.valid('json');
      const merchantId = c.get('merchantId');
      const at = new Date(input.at ?? Date.now());
      if (at.getTime() > Date.now() + FUTURE_SLACK_MS) {
        throw new ApiError('bad_request', 'Invalid body: at: an event cannot happen in the future', [
          { path: 'at', message: 'is in the future' },
        ]);
      }
      const customer =
        input.customerId !== undefined ? { id: input.customerId } : { externalId: input.externalId ?? '' };
      const result = await recordEvent(db, merchantId, { customer, type: input.type, at, clientId: input.id });
      if (!result.ok) throw notFound('Customer');
      if (!result.duplicate) {
        deps.batcher?.nudge(result.entered);
        await signalVisit(deps.launcher, result.waitingRuns);
      }
      return c.json(
        { id: result.id, duplicate: result.duplicate, entered: result.entered },
        result.duplicate ? 200 : 202,
      );
    })
    .post('/:id/undo', async (c) => {
      const result = await undoStamp(db, c.get('merchantId'), pathId(c.req.param('id'), 'Event'));
      if (!result.ok) throw new ApiError(result.code, result.message);
      return c.json({ customerId: result.customerId, stamps: result.stamps });
    });
}
