/**
 * `POST /v1/events`: a visit, a stamp or a redeemed reward. Records the event with what it
 * changes (see `engine/customers/events.ts`), then hands new journey entries to the cohort
 * batcher and tells runs waiting for this customer's visit. The body is one event, or
 * `{events: [...]}` with up to 1,000 of them: each is validated and recorded on its own and
 * answered in order, in one transaction (see `engine/customers/record-events.ts`). A
 * merchant's requests that arrive together are recorded together, at most two transactions
 * at a time (`engine/customers/event-intake.ts`). `POST /v1/events/:id/undo` takes
 * back a stamp given by mistake (within minutes, see `engine/customers/undo-stamp.ts`).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { createMiddleware } from 'hono/factory';
import { createEventIntake } from '../../engine/customers/event-intake';
import { EVENT_TYPES, type EventInput, type RecordEventResult } from '../../engine/customers/events';
import { MAX_EVENTS_PER_BATCH } from '../../engine/customers/record-events';
import { undoStamp } from '../../engine/customers/undo-stamp';
import { signalVisit } from '../../engine/runs/visit-signals';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound, validationError, type ErrorBody } from './errors';
import { idempotent } from './idempotency';
import { pathId, timestamp, uuid } from './validate';

function errorOf(error: ApiError): ErrorBody['error'] {
  return error.details === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, details: error.details };
}

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

type EventBody = z.output<typeof eventBody>;

/** One answer per event of a batch, in the order sent. */
export type BatchResult =
  | { index: number; id: string; duplicate: boolean; entered: number }
  | ({ index: number } & ErrorBody);

/**
 * The body: one event (validated as before), or `{events: [...]}` whose events are
 * validated one by one, so one bad event is answered on its own and the others go on.
 */
type Parsed =
  | { kind: 'one'; event: EventBody }
  | { kind: 'batch'; events: ({ ok: true; event: EventBody } | { ok: false; error: ApiError })[] };

const batchBody = z.object({
  events: z
    .array(z.unknown())
    .min(1, 'must hold at least one event')
    .max(MAX_EVENTS_PER_BATCH, `must hold at most ${MAX_EVENTS_PER_BATCH} events; send more in several calls`),
});

function eventOrBatch() {
  return createMiddleware<
    MerchantEnv,
    string,
    {
      in: { json: z.input<typeof eventBody> | { events: z.input<typeof eventBody>[] } };
      out: { json: Parsed };
    }
  >(async (c, next) => {
    let value: unknown;
    try {
      value = JSON.parse(await c.req.text());
    } catch {
      throw new ApiError('bad_request', 'Request body is not valid JSON');
    }
    let parsed: Parsed;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'events' in value) {
      const batch = batchBody.safeParse(value);
      if (!batch.success) throw validationError(batch.error);
      parsed = {
        kind: 'batch',
        events: batch.data.events.map((item, index) => {
          const one = checkEvent(item, `Event ${index}`);
          return one instanceof ApiError ? { ok: false as const, error: one } : { ok: true as const, event: one };
        }),
      };
    } else {
      const one = checkEvent(value);
      if (one instanceof ApiError) throw one;
      parsed = { kind: 'one', event: one };
    }
    c.req.addValidatedData('json', parsed);
    await next();
  });
}

/** One event's shape and its time (not in the future); answers the error rather than throwing it. */
function checkEvent(value: unknown, what = 'Request body'): EventBody | ApiError {
  const result = eventBody.safeParse(value);
  if (!result.success) return validationError(result.error, what);
  if (result.data.at !== undefined && Date.parse(result.data.at) > Date.now() + FUTURE_SLACK_MS) {
    return new ApiError('bad_request', 'Invalid body: at: an event cannot happen in the future', [
      { path: 'at', message: 'is in the future' },
    ]);
  }
  return result.data;
}

function eventInput(input: EventBody): EventInput {
  const customer = input.customerId !== undefined ? { id: input.customerId } : { externalId: input.externalId ?? '' };
  return { customer, type: input.type, at: new Date(input.at ?? Date.now()), clientId: input.id };
}

/** Mounted at `/v1/events`. */
export function eventsRoutes(deps: AppDeps) {
  const { db } = deps;
  /** A merchant's events arriving together are recorded together (one commit), two transactions at a time. */
  const intake = createEventIntake(db);
  /** New entries go to the cohort batcher; runs waiting for these customers' visits are told. */
  async function afterRecorded(results: readonly RecordEventResult[]): Promise<void> {
    let entered = 0;
    const waiting: string[] = [];
    for (const r of results) {
      if (!r.ok || r.duplicate) continue;
      entered += r.entered;
      waiting.push(...r.waitingRuns);
    }
    if (entered > 0) deps.batcher?.nudge(entered);
    if (waiting.length > 0) await signalVisit(deps.launcher, [...new Set(waiting)]);
  }
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/', idempotent(db), eventOrBatch(), async (c) => {
      const body = c.req.valid('json');
      const merchantId = c.get('merchantId');
      if (body.kind === 'one') {
        const result = await intake.record(merchantId, eventInput(body.event));
        if (!result.ok) throw notFound('Customer');
        await afterRecorded([result]);
        return c.json(
          { id: result.id, duplicate: result.duplicate, entered: result.entered },
          result.duplicate ? 200 : 202,
        );
      }
      const valid = body.events.flatMap((e, index) => (e.ok ? [{ index, input: eventInput(e.event) }] : []));
      const recorded = await intake.recordMany(merchantId, valid.map((v) => v.input));
      const byIndex = new Map(valid.map((v, i) => [v.index, recorded[i]]));
      await afterRecorded(recorded);
      const results: BatchResult[] = body.events.map((e, index) => {
        if (!e.ok) return { index, error: errorOf(e.error) };
        const result = byIndex.get(index);
        if (!result?.ok) return { index, error: { code: 'not_found', message: 'Customer not found' } };
        return { index, id: result.id, duplicate: result.duplicate, entered: result.entered };
      });
      return c.json({ results }, 200);
    })
    .post('/:id/undo', async (c) => {
      const result = await undoStamp(db, c.get('merchantId'), pathId(c.req.param('id'), 'Event'));
      if (!result.ok) throw new ApiError(result.code, result.message);
      return c.json({ customerId: result.customerId, stamps: result.stamps });
    });
}
