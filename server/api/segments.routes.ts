/** `POST /v1/segments/count`: how many customers a segment holds now (the editor's preview). */
import { Hono } from 'hono';
import { z } from 'zod';
import { countSegment } from '../../engine/customers/segment-count';
import { segmentDataSchema } from '../../engine/compiler/segment-schema';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { notFound } from './errors';
import { jsonBody, uuid } from './validate';

/** The segment node's own schema, so a condition the editor accepts is one we count. */
const countBody = z.object({ segment: segmentDataSchema, cardId: uuid().optional() });

/** Mounted at `/v1/segments`. */
export function segmentsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>().use(merchantAuth(db)).post('/count', jsonBody(countBody), async (c) => {
    const { segment, cardId } = c.req.valid('json');
    const result = await countSegment(db, c.get('merchantId'), segment, cardId);
    if (result.kind === 'card_not_found') throw notFound('Card');
    return c.json({ count: result.count });
  });
}
