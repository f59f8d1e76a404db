/**
 * `POST /v1/events` with `{events: [...]}`: up to 1,000 events, one answer per event in
 * order, each validated and recorded on its own, ids idempotent across calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchResult } from '../../server/api/events.routes';
import { addCustomer, publishPushOn, stampsOf } from './event-tests';
import {
  present,
  read,
  readBatch,
  readError,
  readEvent,
  startHarness,
  type ApiClient,
  type Harness,
  type TestMerchant,
} from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

const customer = (externalId: string) => addCustomer(h, m, externalId);
const stamps = (id: string) => stampsOf(m, id);

/** A batch result's error, or undefined for a recorded event. */
function errorOf(result: BatchResult | undefined): { code: string; message: string } | undefined {
  return result && 'error' in result ? result.error : undefined;
}

/** A batch result's count of flows entered (failing the test for an error). */
function enteredOf(result: BatchResult | undefined): number {
  const recorded = present(result, 'the result');
  if ('error' in recorded) throw new Error(`expected a recorded event, got ${JSON.stringify(recorded)}`);
  return recorded.entered;
}

/** A recorded event's id in a batch's answer (failing the test for an error). */
function idOf(result: BatchResult | undefined): string {
  const recorded = present(result, 'the result');
  if ('error' in recorded) throw new Error(`expected a recorded event, got ${JSON.stringify(recorded)}`);
  return recorded.id;
}

/** The events a batch takes, as the route types them. */
type BatchEvents = Extract<Parameters<ApiClient['v1']['events']['$post']>[0]['json'], { events: unknown }>['events'];

const batch = (events: BatchEvents, owner = m) => readBatch(owner.api.v1.events.$post({ json: { events } }));

async function eventRows(customerId: string): Promise<number> {
  const row = await h.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /v1/events with a batch', () => {
  it('answers every event in order; a bad event is answered on its own and the others are recorded', async () => {
    const a = await customer('batch-a');
    const b = await customer('batch-b');
    // 'teleport' is no event type: sent raw, as the typed client refuses it.
    const res = await m.sendRaw<{ results: BatchResult[] }>('POST', '/v1/events', {
      body: {
        events: [
          { customerId: a, type: 'stamp' },
          { customerId: a, type: 'teleport' },
          { externalId: 'nobody-has-this-id', type: 'visit' },
          { externalId: 'batch-b', type: 'stamp', at: '2099-01-01T00:00:00Z' },
          { customerId: b, externalId: 'batch-b', type: 'visit' },
          { externalId: 'batch-b', type: 'visit', at: '2025-02-03T10:00:00Z' },
        ],
      },
    });
    expect(res.status).toBe(200);
    const results = res.body.results;
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results[0]).toMatchObject({ index: 0, duplicate: false, entered: 0 });
    expect(idOf(results[0])).toMatch(/^[0-9a-f-]{36}$/);
    expect(errorOf(results[1])).toMatchObject({ code: 'bad_request' });
    expect(errorOf(results[1])?.message).toContain('Event 1');
    expect(errorOf(results[1])?.message).toContain('type');
    expect(errorOf(results[2])).toEqual({ code: 'not_found', message: 'Customer not found' });
    expect(errorOf(results[3])?.message).toContain('future');
    expect(errorOf(results[4])?.message).toContain('exactly one of customerId and externalId');
    expect(results[5]).toMatchObject({ index: 5, duplicate: false });
    // Only the good events wrote anything: one stamp for a, one visit for b.
    expect(await stamps(a)).toBe(1);
    expect(await eventRows(a)).toBe(1);
    expect(await stamps(b)).toBe(0);
    expect(await eventRows(b)).toBe(1);
    const bRow = (await read(m.api.v1.customers[':id'].$get({ param: { id: b } }))).body;
    expect(bRow.lastVisitAt).toBe('2025-02-03T10:00:00.000Z');
  });

  it('counts one customer’s stamps in the order sent', async () => {
    const c = await customer('batch-order');
    const res = await batch(
      Array.from({ length: 5 }, (_, i) => ({ customerId: c, type: 'stamp' as const, id: `order-${i}` })),
    );
    expect(res.status).toBe(200);
    expect(await stamps(c)).toBe(5);
    const rows = await h.db
      .selectFrom('events')
      .select(['id', 'client_id'])
      .where('customer_id', '=', c)
      .orderBy('created_at')
      .execute();
    expect(rows.map((r) => r.client_id).sort()).toEqual(['order-0', 'order-1', 'order-2', 'order-3', 'order-4']);
    const ids = res.body.results.map(idOf);
    expect(new Set(ids).size).toBe(5);
  });

  it('keeps ids idempotent within a batch, across batches and against single posts', async () => {
    const d = await customer('batch-idem');
    const single = await readEvent(m.api.v1.events.$post({ json: { id: 'idem-1', customerId: d, type: 'stamp' } }));
    expect(single.status).toBe(202);
    const first = await batch([
      { id: 'idem-1', customerId: d, type: 'stamp' },
      { id: 'idem-2', customerId: d, type: 'stamp' },
      { id: 'idem-2', customerId: d, type: 'stamp' },
    ]);
    const idem2 = idOf(first.body.results[1]);
    expect(first.body.results).toEqual([
      { index: 0, id: single.body.id, duplicate: true, entered: 0 },
      expect.objectContaining({ index: 1, duplicate: false }),
      { index: 2, id: idem2, duplicate: true, entered: 0 },
    ]);
    const again = await batch([{ id: 'idem-2', customerId: d, type: 'stamp' }]);
    expect(again.body.results).toEqual([{ index: 0, id: idem2, duplicate: true, entered: 0 }]);
    const repeatSingle = await readEvent(
      m.api.v1.events.$post({ json: { id: 'idem-2', customerId: d, type: 'stamp' } }),
    );
    expect(repeatSingle.status).toBe(200);
    expect(repeatSingle.body).toEqual({ id: idem2, duplicate: true, entered: 0 });
    expect(await stamps(d)).toBe(2);
    expect(await eventRows(d)).toBe(2);

    // An id first sent for a customer this merchant does not have wrote nothing: its next use is new.
    const unknownFirst = await batch([
      { id: 'idem-3', externalId: 'nobody-has-this-either', type: 'stamp' },
      { id: 'idem-3', customerId: d, type: 'stamp' },
    ]);
    expect(unknownFirst.body.results).toEqual([
      { index: 0, error: { code: 'not_found', message: 'Customer not found' } },
      expect.objectContaining({ index: 1, duplicate: false }),
    ]);
    expect(await stamps(d)).toBe(3);
  });

  it('takes up to 1,000 events and refuses more, or none, naming the limit', async () => {
    const e = await customer('batch-limit');
    const full = await batch(Array.from({ length: 1000 }, () => ({ customerId: e, type: 'visit' as const })));
    expect(full.status).toBe(200);
    expect(full.body.results).toHaveLength(1000);
    expect(await eventRows(e)).toBe(1000);

    const tooMany = await readError(
      m.api.v1.events.$post({
        json: { events: Array.from({ length: 1001 }, () => ({ customerId: e, type: 'visit' as const })) },
      }),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('bad_request');
    expect(tooMany.body.error.message).toContain('at most 1000 events');
    const none = await readError(m.api.v1.events.$post({ json: { events: [] } }));
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain('at least one event');
    const notList = await m.sendRaw('POST', '/v1/events', { body: { events: 'stamp' } });
    expect(notList.status).toBe(400);
    // Nothing of the refused batches was written.
    expect(await eventRows(e)).toBe(1000);
  });

  it('enters event-triggered flows for each recorded stamp', async () => {
    const f = await customer('batch-flow');
    await publishPushOn(m, 'stamp_added', 'Thanks!', 'Thanks for the stamp');
    const res = await batch([
      { customerId: f, type: 'stamp' },
      { customerId: f, type: 'visit' },
      { customerId: f, type: 'stamp' },
    ]);
    expect(res.body.results.map(enteredOf)).toEqual([1, 0, 1]);
    const entries = await h.db.selectFrom('flow_entries').select('entry_key').where('customer_id', '=', f).execute();
    expect(entries).toHaveLength(2);
  });

  it('records one customer’s events as if posted one after the other: stamps add up, the reward fills once', async () => {
    // Its own merchant, so that only these flows are active: one on the stamp that leaves one
    // to go, one on the stamp that fills the card (10 stamps).
    const r = await h.merchant('Reward café');
    for (const event of ['one_stamp_to_go', 'reward_ready']) await publishPushOn(r, event, event);
    const customerOf = (externalId: string) => addCustomer(h, r, externalId);
    const batched = await customerOf('batched');
    const oneByOne = await customerOf('one-by-one');
    await h.db.updateTable('customers').set({ stamps: 7 }).where('id', 'in', [batched, oneByOne]).execute();
    const events = (customerId: string): BatchEvents => [
      { customerId, type: 'stamp', at: '2026-01-01T10:00:00Z' }, // 8
      { customerId, type: 'stamp', at: '2026-01-01T10:01:00Z' }, // 9: one to go
      { customerId, type: 'stamp', at: '2026-01-01T10:02:00Z' }, // 10: the reward is ready
      { customerId, type: 'stamp', at: '2026-01-01T10:03:00Z' }, // 11: past full, nothing
      { customerId, type: 'reward_redeemed', at: '2026-01-01T10:04:00Z' }, // 1
      { customerId, type: 'visit', at: '2026-01-01T09:00:00Z' }, // an older visit: last visit stays
      { customerId, type: 'stamp', at: '2026-01-01T10:05:00Z' }, // 2
    ];
    const passBefore = await h.db
      .selectFrom('passes')
      .select('update_tag')
      .where('customer_id', '=', batched)
      .executeTakeFirstOrThrow();
    const together = await batch(events(batched), r);
    expect(together.status).toBe(200);
    const singles = [];
    for (const event of events(oneByOne)) singles.push((await readEvent(r.api.v1.events.$post({ json: event }))).body);
    expect(together.body.results.map(enteredOf)).toEqual([0, 1, 1, 0, 0, 0, 0]);
    expect(singles.map((x) => x.entered)).toEqual([0, 1, 1, 0, 0, 0, 0]);
    const state = async (id: string) => {
      const customer = (await read(r.api.v1.customers[':id'].$get({ param: { id } }))).body;
      const entries = await h.db.selectFrom('flow_entries').select('flow_id').where('customer_id', '=', id).execute();
      return { stamps: customer.stamps, lastVisitAt: customer.lastVisitAt, entries: entries.length };
    };
    expect(await state(batched)).toEqual({ stamps: 2, lastVisitAt: '2026-01-01T10:05:00.000Z', entries: 2 });
    expect(await state(oneByOne)).toEqual(await state(batched));
    // The pass shows the new stamps.
    const passAfter = await h.db
      .selectFrom('passes')
      .select('update_tag')
      .where('customer_id', '=', batched)
      .executeTakeFirstOrThrow();
    expect(passAfter.update_tag).not.toBe(passBefore.update_tag);
  });

  it('records two concurrent batches over the same customers in opposite orders (no deadlock)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await customer(`batch-lock-${i}`));
    const forward = ids.map((customerId) => ({ customerId, type: 'stamp' as const }));
    const backward = [...forward].reverse();
    const answers = await Promise.all([batch(forward), batch(backward), batch(forward), batch(backward)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const id of ids) expect(await stamps(id)).toBe(4);
  });

  it('keeps another merchant’s customers out of reach', async () => {
    const other = await h.merchant('Other café');
    const mine = await customer('batch-mine');
    const res = await batch([{ customerId: mine, type: 'stamp' }], other);
    expect(res.body.results).toEqual([{ index: 0, error: { code: 'not_found', message: 'Customer not found' } }]);
    expect(await eventRows(mine)).toBe(0);
  });
});
