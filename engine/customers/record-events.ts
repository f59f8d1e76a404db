/**
 * Recording many counter events at once (`POST /v1/events` with `{events: [...]}`): each
 * event answers exactly as {@link recordEvent} would answer it, posted one after the other
 * in the order given, but the batch is set-based: one transaction of five statements
 * whatever its size, not one statement per event.
 *
 * 1. Lock the batch's customers, in one order (by id), so two batches over the same
 *    customers in different orders cannot deadlock, and read their stamps.
 * 2. Find which client ids were recorded before.
 * 3. Insert the new events (`unnest`), `on conflict do nothing`: an id that another request
 *    recorded meanwhile becomes a duplicate here (and is looked up, a sixth statement, only
 *    then).
 * 4. Walk the recorded events in order, per customer: the stamps after each event and which
 *    trigger events it is (`stamp_added`, `one_stamp_to_go`, `reward_ready`), as the single
 *    path decides them on the locked row. Two stamps for one customer add up; the stamp that
 *    fills the card is `reward_ready` once.
 * 5. One statement writes the rest: each customer's stamps and last visit (one update per
 *    customer, not per event), the passes that show stamps, the journey entries, and the runs
 *    waiting for these customers' visits.
 *
 * An event whose customer does not exist writes nothing and answers `not_found`; the others
 * are recorded. The batch commits once.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { passChanged } from '../wallet/pass-changes';
import { latestActiveVersions, triggeredBy } from '../runs/event-entries';
import { fail } from '../result';
import type { EventInput, RecordEventResult } from './events';

/** The most events one batch may carry (the API's contract). */
export const MAX_EVENTS_PER_BATCH = 1000;

interface LockedCustomer {
  id: string;
  external_id: string | null;
  card_id: string;
  stamps: number;
  stamps_required: number;
}

/** What a new event of the batch becomes. */
interface NewEvent {
  readonly index: number;
  readonly id: string;
  readonly customer: LockedCustomer;
  readonly input: EventInput;
}

export async function recordEvents(
  db: Db,
  merchantId: string,
  inputs: readonly EventInput[],
): Promise<RecordEventResult[]> {
  if (inputs.length === 0) return [];
  const ids = [...new Set(inputs.flatMap((e) => ('id' in e.customer ? [e.customer.id] : [])))];
  const externalIds = [...new Set(inputs.flatMap((e) => ('externalId' in e.customer ? [e.customer.externalId] : [])))];
  return db.transaction().execute(async (trx) => {
    // 1. The customers, locked in one order.
    const { rows: locked } = await sql<LockedCustomer>`
      select cu.id, cu.external_id, cu.card_id, cu.stamps, k.stamps_required
      from customers cu join cards k on k.id = cu.card_id
      where cu.merchant_id = ${merchantId}
        and (cu.id = any(${ids}::uuid[]) or cu.external_id = any(${externalIds}::text[]))
      order by cu.id
      for update of cu`.execute(trx);
    const byId = new Map(locked.map((c) => [c.id, c]));
    const byExternal = new Map(locked.flatMap((c) => (c.external_id === null ? [] : [[c.external_id, c] as const])));
    const customerOf = (input: EventInput) =>
      'id' in input.customer ? byId.get(input.customer.id) : byExternal.get(input.customer.externalId);

    // 2. Client ids recorded before (by an earlier call).
    const clientIds = [
      ...new Set(inputs.flatMap((e) => (e.clientId !== undefined && customerOf(e) ? [e.clientId] : []))),
    ];
    const seen = new Map<string, { id: string; customerId: string }>();
    if (clientIds.length > 0) {
      const { rows } = await sql<{ id: string; customer_id: string; client_id: string }>`
        select id, customer_id, client_id from events
        where merchant_id = ${merchantId} and client_id = any(${clientIds}::text[])`.execute(trx);
      for (const r of rows) seen.set(r.client_id, { id: r.id, customerId: r.customer_id });
    }

    // Each event: not found, a repeat (of an earlier call or of an earlier event of this
    // batch), or new.
    const results: (RecordEventResult | undefined)[] = [];
    const fresh: NewEvent[] = [];
    const firstInBatch = new Map<string, NewEvent>();
    const repeatOf = new Map<number, NewEvent>();
    for (const [index, input] of inputs.entries()) {
      const customer = customerOf(input);
      const before = input.clientId === undefined ? undefined : seen.get(input.clientId);
      const earlier = input.clientId === undefined ? undefined : firstInBatch.get(input.clientId);
      if (!customer) results.push(fail('not_found', 'Customer not found'));
      else if (before) results.push(duplicate(before));
      else if (earlier) {
        repeatOf.set(index, earlier);
        results.push(undefined);
      } else {
        const event: NewEvent = { index, id: randomUUID(), customer, input };
        if (input.clientId !== undefined) firstInBatch.set(input.clientId, event);
        fresh.push(event);
        results.push(undefined);
      }
    }

    // 3. The new events; an id recorded meanwhile by another request is not inserted.
    const inserted = new Set<string>();
    if (fresh.length > 0) {
      const { rows } = await sql<{ id: string }>`
        insert into events (id, merchant_id, customer_id, type, at, client_id)
        select t.id, ${merchantId}, t.customer_id, t.type, t.at, t.client_id
        from unnest(
          ${fresh.map((e) => e.id)}::uuid[], ${fresh.map((e) => e.customer.id)}::uuid[],
          ${fresh.map((e) => e.input.type)}::text[], ${fresh.map((e) => e.input.at.toISOString())}::timestamptz[],
          ${fresh.map((e) => e.input.clientId ?? null)}::text[]
        ) as t(id, customer_id, type, at, client_id)
        on conflict (merchant_id, client_id) where client_id is not null do nothing
        returning id`.execute(trx);
      for (const r of rows) inserted.add(r.id);
    }
    const lost = fresh.filter((e) => !inserted.has(e.id));
    if (lost.length > 0) {
      const { rows } = await sql<{ id: string; customer_id: string; client_id: string }>`
        select id, customer_id, client_id from events
        where merchant_id = ${merchantId} and client_id = any(${lost.map((e) => e.input.clientId)}::text[])`.execute(trx);
      for (const r of rows) seen.set(r.client_id, { id: r.id, customerId: r.customer_id });
    }

    // 4. In the order sent, per customer: stamps after each event and what each event is.
    const recorded = fresh.filter((e) => inserted.has(e.id));
    const stampsNow = new Map<string, number>();
    const lastVisit = new Map<string, Date>();
    const showsStamps = new Set<string>();
    const triggers: { event: NewEvent; trigger: string }[] = [];
    for (const e of recorded) {
      const c = e.customer;
      const stamps = stampsNow.get(c.id) ?? c.stamps;
      let after = stamps;
      if (e.input.type === 'stamp') {
        after = stamps + 1;
        triggers.push({ event: e, trigger: 'stamp_added' });
        if (after === c.stamps_required - 1) triggers.push({ event: e, trigger: 'one_stamp_to_go' });
        if (after === c.stamps_required) triggers.push({ event: e, trigger: 'reward_ready' });
      } else if (e.input.type === 'reward_redeemed') after = Math.max(stamps - c.stamps_required, 0);
      stampsNow.set(c.id, after);
      if (e.input.type !== 'visit') showsStamps.add(c.id);
      if (e.input.type !== 'reward_redeemed') {
        const last = lastVisit.get(c.id);
        if (!last || e.input.at > last) lastVisit.set(c.id, e.input.at);
      }
    }

    // 5. Customers, passes, entries and waiting runs, in one statement.
    const entered = new Map<string, number>();
    const waitingFor = new Map<string, string[]>();
    if (recorded.length > 0) {
      const customers = [...stampsNow.keys()];
      const { rows } = await sql<{ entries: string[] | null; waiting: { customer_id: string; workflow_id: string }[] | null }>`
        with upd as (
          update customers cu set
            stamps = t.stamps,
            last_visit_at = case when t.visit_at is null then cu.last_visit_at
              else greatest(cu.last_visit_at, t.visit_at) end,
            updated_at = now()
          from unnest(
            ${customers}::uuid[], ${customers.map((id) => stampsNow.get(id))}::int[],
            ${customers.map((id) => lastVisit.get(id)?.toISOString() ?? null)}::timestamptz[]
          ) as t(id, stamps, visit_at)
          where cu.id = t.id
          returning 1
        ), pass as (
          -- The pass shows the stamps: devices fetch it again on their next check.
          update passes p set ${passChanged('p')}
          where p.customer_id = any(${[...showsStamps]}::uuid[])
          returning 1
        ), latest as (${latestActiveVersions(merchantId)}
        ), entries as (
          insert into flow_entries (flow_id, customer_id, entry_key, merchant_id, version)
          select latest.flow_id, t.customer_id, 'event:' || t.event_id, ${merchantId}, latest.version
          from unnest(
            ${triggers.map((t) => t.event.id)}::uuid[], ${triggers.map((t) => t.event.customer.id)}::uuid[],
            ${triggers.map((t) => t.event.customer.card_id)}::text[], ${triggers.map((t) => t.trigger)}::text[]
          ) as t(event_id, customer_id, card_id, event)
          join latest on ${triggeredBy(sql`t.event`, sql`t.card_id`)}
          on conflict do nothing
          returning entry_key
        ), waiting as (
          select distinct m.customer_id, r.workflow_id
          from run_waits w join runs r on r.id = w.run_id join run_step_members m on m.run_id = w.run_id
          where w.merchant_id = ${merchantId} and w.finished_at is null and w.mode = 'untilVisit'
            and m.customer_id = any(${[...lastVisit.keys()]}::uuid[])
        )
        select (select array_agg(entry_key) from entries) as entries,
          (select json_agg(waiting) from waiting) as waiting,
          (select count(*) from upd) as customers,
          (select count(*) from pass) as passes`.execute(trx);
      const row = rows[0];
      for (const key of row?.entries ?? []) entered.set(key, (entered.get(key) ?? 0) + 1);
      for (const w of row?.waiting ?? []) waitingFor.set(w.customer_id, [...(waitingFor.get(w.customer_id) ?? []), w.workflow_id]);
    }

    const answerFor = (e: NewEvent): RecordEventResult => {
      if (!inserted.has(e.id)) return duplicate(seen.get(e.input.clientId ?? '') ?? { id: e.id, customerId: e.customer.id });
      return {
        ok: true,
        id: e.id,
        customerId: e.customer.id,
        duplicate: false,
        entered: entered.get(`event:${e.id}`) ?? 0,
        waitingRuns: e.input.type === 'reward_redeemed' ? [] : (waitingFor.get(e.customer.id) ?? []),
      };
    };
    const answers = new Map(fresh.map((e) => [e.index, answerFor(e)]));
    return results.map((r, index) => {
      if (r) return r;
      const own = answers.get(index);
      if (own) return own;
      // A repeat of an earlier event of this batch: that event's id (or the one it repeated).
      const first = answers.get(repeatOf.get(index)!.index)!;
      return first.ok ? duplicate({ id: first.id, customerId: first.customerId }) : first;
    });
  });
}

function duplicate(seen: { id: string; customerId: string }): RecordEventResult {
  return { ok: true, id: seen.id, customerId: seen.customerId, duplicate: true, entered: 0, waitingRuns: [] };
}
