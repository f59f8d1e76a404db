/**
 * The counter's API: a customer found by the pass's QR (the customer id) or the short code
 * under it; stamps as ordinary events with one client id per tap; undoing a stamp within
 * minutes, once, and only a stamp.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read, readEvent, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
let customerId: string;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Counter Café');
  const created = await m.api.v1.customers.$post({ json: { name: 'Ada', externalId: 'ada' } });
  expect(created.status).toBe(201);
  customerId = (await read(m.api.v1.customers.$get({ query: { q: 'ada' } }))).body.items[0]?.id ?? '';
});
afterAll(async () => h?.close());

const stamp = (id = randomUUID()) => readEvent(m.api.v1.events.$post({ json: { id, customerId, type: 'stamp' } }));
const counterCard = (code: string) => m.api.v1.counter.customers[':code'].$get({ param: { code } });
const undo = (eventId: string) => m.api.v1.events[':id'].undo.$post({ param: { id: eventId } });
const passTag = async () =>
  Number((await h.db.selectFrom('passes').select('update_tag').where('customer_id', '=', customerId).executeTakeFirstOrThrow()).update_tag);

describe('GET /v1/counter/customers/:code', () => {
  it('finds the customer by the scanned id and by the typed short code', async () => {
    const voucher = await h.db
      .insertInto('vouchers')
      .values({ merchant_id: m.id, customer_id: customerId, code: 'CAKE-1', title: 'Free cake', expires_at: new Date(Date.now() + 86_400_000) })
      .returning('code')
      .executeTakeFirstOrThrow();
    const byId = await read(counterCard(customerId));
    expect(byId).toMatchObject({
      status: 200,
      body: { id: customerId, name: 'Ada', cardName: 'Coffee card', stamps: 0, stampsRequired: 10, rewardReady: false, lastVisitAt: null, undoableStamp: null },
    });
    expect(byId.body.vouchers).toEqual([expect.objectContaining({ code: voucher.code, title: 'Free cake' })]);
    const code = customerId.slice(0, 8).toUpperCase();
    expect(byId.body.code).toBe(code);
    const typed = await read(counterCard(` ${code.toLowerCase()} `));
    expect(typed).toMatchObject({ status: 200, body: { id: customerId } });
  });

  it('answers 404 for a code nobody has and 400 for what is not a code', async () => {
    expect((await readError(counterCard('00000000'))).body.error.code).toBe('not_found');
    expect((await counterCard('coffee')).status).toBe(400);
  });
});

describe('stamps and undo', () => {
  it('records one stamp per client id, shows it as undoable, and undoes it once', async () => {
    const tap = randomUUID();
    expect((await stamp(tap)).status).toBe(202);
    expect((await stamp(tap)).body).toMatchObject({ duplicate: true });
    expect((await stamp()).status).toBe(202);
    const card = (await read(counterCard(customerId))).body;
    const eventId = card.undoableStamp?.eventId ?? '';
    expect(card.stamps).toBe(2);
    expect(card.lastVisitAt).not.toBeNull();
    const tagBefore = await passTag();
    const undone = await read(undo(eventId));
    expect(undone).toMatchObject({ status: 200, body: { customerId, stamps: 1 } });
    expect(await passTag()).not.toBe(tagBefore);
    const again = await readError(undo(eventId));
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: 'This stamp was already undone' } } });
    // The stamp before it is the next one that can be undone.
    const after = (await read(counterCard(customerId))).body;
    expect(after.undoableStamp?.eventId).not.toBe(eventId);
  });

  it('refuses to undo a visit, a stamp older than 10 minutes, or an unknown event', async () => {
    const visit = await readEvent(m.api.v1.events.$post({ json: { customerId, type: 'visit' } }));
    expect((await undo(visit.body.id)).status).toBe(409);
    const old = await stamp();
    await h.db.updateTable('events').set({ created_at: new Date(Date.now() - 11 * 60_000) } as never).where('id', '=', old.body.id).execute();
    const late = await readError(undo(old.body.id));
    expect(late).toMatchObject({ status: 409, body: { error: { message: 'A stamp can be undone for 10 minutes only' } } });
    expect((await undo(randomUUID())).status).toBe(404);
    expect((await read(counterCard(customerId))).body.stamps).toBe(2);
  });
});
