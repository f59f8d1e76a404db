/**
 * `POST /v1/events`: a visit, a stamp or a redeemed reward. Records the event and keeps
 * the customer's `stamps` and `last_visit_at` current in the same transaction.
 */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { notFound } from './errors';
import { jsonBody, timestamp, uuid } from './validate';

const EVENT_TYPES = ['visit', 'stamp', 'reward_redeemed'] as const;

const eventBody = z
  .object({
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
  return new Hono<MerchantEnv>().use(merchantAuth(db)).post('/', jsonBody(eventBody), async (c) => {
    const input = c.req.valid('json');
    const merchantId = c.get('merchantId');
    const at = new Date(input.at ?? Date.now());
    const id = await db.transaction().execute(async (trx) => {
      let find = trx
        .selectFrom('customers')
        .innerJoin('cards', 'cards.id', 'customers.card_id')
        .select(['customers.id', 'cards.stamps_required'])
        .where('customers.merchant_id', '=', merchantId)
        .forUpdate('customers');
      find = input.customerId
        ? find.where('customers.id', '=', input.customerId)
        : find.where('customers.external_id', '=', input.externalId ?? '');
      const customer = await find.executeTakeFirst();
      if (!customer) throw notFound('Customer');

      const event = await trx
        .insertInto('events')
        .values({ merchant_id: merchantId, customer_id: customer.id, type: input.type, at })
        .returning('id')
        .executeTakeFirstOrThrow();

      const update = trx
        .updateTable('customers')
        .set({ updated_at: sql`now()` })
        .where('id', '=', customer.id);
      if (input.type === 'reward_redeemed') {
        await update.set({ stamps: sql`greatest(stamps - ${customer.stamps_required}, 0)` }).execute();
      } else {
        // greatest() ignores null, so a first visit sets the column.
        const visited = update.set({ last_visit_at: sql`greatest(last_visit_at, ${at}::timestamptz)` });
        await (input.type === 'stamp' ? visited.set({ stamps: sql`stamps + 1` }) : visited).execute();
      }
      return event.id;
    });
    return c.json({ id }, 202);
  });
}
