/**
 * Recording what happens at the counter — a visit, a stamp, a redeemed reward — in one
 * transaction with its consequences: the customer's stamps and last visit, and the entries
 * of event-triggered flows (`stamp_added`, and `reward_ready` when a stamp leaves exactly
 * one to the reward). An event id given by the client makes a repeat one event.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { TriggerEvent } from '../flow/plan';
import { enterEventFlows } from '../runs/event-entries';

export const EVENT_TYPES = ['visit', 'stamp', 'reward_redeemed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventInput {
  readonly customer: { readonly id: string } | { readonly externalId: string };
  readonly type: EventType;
  readonly at: Date;
  /** The client's id for this event: the same id twice is one event. */
  readonly clientId?: string | undefined;
}

export type RecordEventResult =
  | { readonly ok: true; readonly id: string; readonly customerId: string; readonly duplicate: boolean; readonly entered: number }
  | { readonly ok: false; readonly code: 'not_found'; readonly message: string };

export async function recordEvent(db: Db, merchantId: string, input: EventInput): Promise<RecordEventResult> {
  return db.transaction().execute(async (trx): Promise<RecordEventResult> => {
    let find = trx
      .selectFrom('customers')
      .innerJoin('cards', 'cards.id', 'customers.card_id')
      .select(['customers.id', 'customers.card_id', 'customers.stamps', 'cards.stamps_required'])
      .where('customers.merchant_id', '=', merchantId)
      .forUpdate('customers');
    find = 'id' in input.customer ? find.where('customers.id', '=', input.customer.id) : find.where('customers.external_id', '=', input.customer.externalId);
    const customer = await find.executeTakeFirst();
    if (!customer) return { ok: false, code: 'not_found', message: 'Customer not found' };

    // The customer row is locked, so a repeated id of this customer's event is seen here;
    // the unique index settles the rest.
    if (input.clientId !== undefined) {
      const seen = await trx
        .selectFrom('events')
        .select(['id', 'customer_id'])
        .where('merchant_id', '=', merchantId)
        .where('client_id', '=', input.clientId)
        .executeTakeFirst();
      if (seen) return { ok: true, id: seen.id, customerId: seen.customer_id, duplicate: true, entered: 0 };
    }
    const event = await trx
      .insertInto('events')
      .values({ merchant_id: merchantId, customer_id: customer.id, type: input.type, at: input.at, client_id: input.clientId ?? null })
      .onConflict((oc) => oc.columns(['merchant_id', 'client_id']).where('client_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!event) {
      // The same id arrived concurrently for another customer and won.
      const seen = await trx.selectFrom('events').select(['id', 'customer_id']).where('merchant_id', '=', merchantId).where('client_id', '=', input.clientId ?? '').executeTakeFirstOrThrow();
      return { ok: true, id: seen.id, customerId: seen.customer_id, duplicate: true, entered: 0 };
    }

    const update = trx.updateTable('customers').set({ updated_at: sql`now()` }).where('id', '=', customer.id);
    const happened: TriggerEvent[] = [];
    if (input.type === 'reward_redeemed') {
      await update.set({ stamps: sql`greatest(stamps - ${customer.stamps_required}, 0)` }).execute();
    } else {
      // greatest() ignores null, so a first visit sets the column.
      const visited = update.set({ last_visit_at: sql`greatest(last_visit_at, ${input.at}::timestamptz)` });
      await (input.type === 'stamp' ? visited.set({ stamps: sql`stamps + 1` }) : visited).execute();
      if (input.type === 'stamp') {
        happened.push('stamp_added');
        if (customer.stamps + 1 === customer.stamps_required - 1) happened.push('reward_ready');
      }
    }
    let entered = 0;
    const entry = { customerId: customer.id, cardId: customer.card_id, key: `event:${event.id}` };
    for (const name of happened) entered += await enterEventFlows(trx, merchantId, name, [entry]);
    return { ok: true, id: event.id, customerId: customer.id, duplicate: false, entered };
  });
}
