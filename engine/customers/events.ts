/**
 * Recording what happens at the counter — a visit, a stamp, a redeemed reward — with its
 * consequences: the customer's stamps and last visit, and the entries of event-triggered
 * flows (`stamp_added`; `one_stamp_to_go` when a stamp leaves exactly one to the reward;
 * `reward_ready` when the stamp fills the card).
 * An event id given by the client makes a repeat one event.
 *
 * It is one SQL statement (one round trip, one implicit transaction): events arrive by the
 * thousand per second, and every round trip of an open transaction holds the customer's
 * row lock and a pooled connection.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { passChanged } from '../wallet/pass-changes';
import { latestActiveVersions, triggeredBy } from '../runs/event-entries';
import { fail, type Failure } from '../result';

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
  | {
      readonly ok: true;
      readonly id: string;
      readonly customerId: string;
      readonly duplicate: boolean;
      /** New journey entries the event made. */
      readonly entered: number;
      /** Runs in which the customer waits for a visit (to be told of this one). */
      readonly waitingRuns: readonly string[];
    }
  | Failure<'not_found'>;

interface Row {
  customer_id: string | null;
  event_id: string | null;
  duplicate_id: string | null;
  duplicate_customer_id: string | null;
  entered: number;
  waiting_runs: string[] | null;
}

export async function recordEvent(db: Db, merchantId: string, input: EventInput): Promise<RecordEventResult> {
  const who = 'id' in input.customer ? sql`cu.id = ${input.customer.id}::uuid` : sql`cu.external_id = ${input.customer.externalId}`;
  const clientId = input.clientId ?? null;
  const stamp = input.type === 'stamp';
  // Which trigger events this event is: a stamp is `stamp_added`, `one_stamp_to_go` when it
  // leaves exactly one stamp to the reward, and `reward_ready` when it is the stamp that
  // fills the card (decided on the locked row, below; later stamps past full fire nothing).
  const { rows } = await sql<Row>`
    with c as (
      select cu.id, cu.card_id, cu.stamps, k.stamps_required
      from customers cu join cards k on k.id = cu.card_id
      where cu.merchant_id = ${merchantId} and ${who}
      for update of cu
    ), dup as (
      select id, customer_id from events where merchant_id = ${merchantId} and client_id = ${clientId}::text
    ), ins as (
      insert into events (merchant_id, customer_id, type, at, client_id)
      select ${merchantId}, c.id, ${input.type}, ${input.at}, ${clientId}::text from c
      where not exists (select 1 from dup)
      on conflict (merchant_id, client_id) where client_id is not null do nothing
      returning id, customer_id
    ), upd as (
      update customers cu set
        stamps = case ${input.type}
          when 'stamp' then cu.stamps + 1
          when 'reward_redeemed' then greatest(cu.stamps - c.stamps_required, 0)
          else cu.stamps end,
        last_visit_at = case when ${input.type} = 'reward_redeemed' then cu.last_visit_at
          else greatest(cu.last_visit_at, ${input.at}::timestamptz) end,
        updated_at = now()
      from c where cu.id = c.id and exists (select 1 from ins)
      returning cu.id
    ), pass as (
      -- The pass shows the stamps: devices fetch it again on their next check.
      update passes p set ${passChanged('p')}
      from c where p.customer_id = c.id and exists (select 1 from ins) and ${input.type} in ('stamp', 'reward_redeemed')
      returning 1
    ), happened as (
      select 'stamp_added' as event from c where ${stamp}
      union all
      select 'one_stamp_to_go' from c where ${stamp} and c.stamps + 1 = c.stamps_required - 1
      union all
      select 'reward_ready' from c where ${stamp} and c.stamps + 1 = c.stamps_required
    ), latest as (${latestActiveVersions(merchantId)}
    ), entries as (
      insert into flow_entries (flow_id, customer_id, entry_key, merchant_id, version)
      select latest.flow_id, ins.customer_id, 'event:' || ins.id, ${merchantId}, latest.version
      from ins cross join c join happened h on true
      join latest on ${triggeredBy(sql`h.event`, sql`c.card_id::text`)}
      on conflict do nothing
      returning 1
    ), waiting as (
      select distinct r.workflow_id from run_waits w join runs r on r.id = w.run_id
      where w.merchant_id = ${merchantId} and w.finished_at is null and w.mode = 'untilVisit'
        and ${input.type} <> 'reward_redeemed' and exists (select 1 from ins)
        and exists (select 1 from run_step_members m, c where m.run_id = w.run_id and m.customer_id = c.id)
    )
    select (select id from c) as customer_id,
      (select id from ins) as event_id,
      (select id from dup) as duplicate_id,
      (select customer_id from dup) as duplicate_customer_id,
      (select count(*)::int from entries) as entered,
      (select array_agg(workflow_id) from waiting) as waiting_runs,
      (select count(*) from upd) as updated`.execute(db);
  const row = rows[0];
  if (!row?.customer_id) return fail('not_found', 'Customer not found');
  if (row.event_id === null) {
    // A repeat of an earlier event id (found before the insert, or by its unique index when
    // the same id arrived at the same moment).
    const seen = row.duplicate_id
      ? { id: row.duplicate_id, customer_id: row.duplicate_customer_id ?? row.customer_id }
      : await db.selectFrom('events').select(['id', 'customer_id']).where('merchant_id', '=', merchantId).where('client_id', '=', clientId).executeTakeFirstOrThrow();
    return { ok: true, id: seen.id, customerId: seen.customer_id, duplicate: true, entered: 0, waitingRuns: [] };
  }
  return { ok: true, id: row.event_id, customerId: row.customer_id, duplicate: false, entered: row.entered, waitingRuns: row.waiting_runs ?? [] };
}
