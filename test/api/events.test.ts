import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read, readEvent, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

async function customer(externalId: string, fields: { stamps?: number } = {}) {
  await m.api.v1.customers.$post({ json: { externalId, name: externalId, cardId: m.cardId, ...fields } });
  const row = await h.db
    .selectFrom('customers')
    .select('id')
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function state(id: string) {
  const res = await read(m.api.v1.customers[':id'].$get({ param: { id } }));
  return { stamps: res.body.stamps, lastVisitAt: res.body.lastVisitAt };
}

describe('POST /v1/events', () => {
  it('records a stamp: +1 stamp and a visit', async () => {
    const id = await customer('stamp', { stamps: 2 });
    const res = await readEvent(m.api.v1.events.$post({ json: { customerId: id, type: 'stamp', at: '2025-03-01T10:00:00Z' } }));
    expect(res.status).toBe(202);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await state(id)).toEqual({ stamps: 3, lastVisitAt: '2025-03-01T10:00:00.000Z' });
    const event = await h.db.selectFrom('events').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ customer_id: id, merchant_id: m.id, type: 'stamp' });
  });

  it('keeps the latest visit when an older visit arrives late', async () => {
    const id = await customer('late');
    await m.api.v1.events.$post({ json: { externalId: 'late', type: 'visit', at: '2025-05-10T08:00:00Z' } });
    await m.api.v1.events.$post({ json: { externalId: 'late', type: 'visit', at: '2025-04-01T08:00:00Z' } });
    expect(await state(id)).toEqual({ stamps: 0, lastVisitAt: '2025-05-10T08:00:00.000Z' });
  });

  it('takes the card’s required stamps off on a redeemed reward, never below 0, without counting a visit', async () => {
    const id = await customer('redeem', { stamps: 12 });
    await m.api.v1.events.$post({ json: { customerId: id, type: 'reward_redeemed' } });
    expect(await state(id)).toEqual({ stamps: 2, lastVisitAt: null });
    await m.api.v1.events.$post({ json: { customerId: id, type: 'reward_redeemed' } });
    expect((await state(id)).stamps).toBe(0);
  });

  it('defaults the time to now', async () => {
    const id = await customer('now');
    const before = Date.now();
    await m.api.v1.events.$post({ json: { customerId: id, type: 'visit' } });
    const at = Date.parse((await state(id)).lastVisitAt ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('answers 404 for an unknown or another merchant’s customer', async () => {
    const other = await h.merchant('Other');
    const id = await customer('mine');
    expect((await other.api.v1.events.$post({ json: { customerId: id, type: 'visit' } })).status).toBe(404);
    expect((await m.api.v1.events.$post({ json: { externalId: 'nobody', type: 'visit' } })).status).toBe(404);
  });

  it('answers 400 for an unknown type or neither customerId nor externalId', async () => {
    const id = await customer('bad');
    const res = await m.sendRaw('POST', '/v1/events', { body: { customerId: id, type: 'purchase' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe('type');
    expect((await m.api.v1.events.$post({ json: { type: 'visit' } })).status).toBe(400);
  });
});
