/**
 * `Idempotency-Key` on creating POSTs: a retried request with the same key and body gets the
 * first answer again and creates nothing more (counted in the database), another body with
 * the same key is refused, and keys are per merchant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { read, readError, startHarness, type ApiClient, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

/** The merchant's typed client sending `Idempotency-Key: key`. */
const keyed = (who: TestMerchant, key: string): ApiClient => who.with({ 'Idempotency-Key': key });

const count = async (table: 'customers' | 'runs' | 'events', merchantId: string) =>
  (await h.db.selectFrom(table).select('id').where('merchant_id', '=', merchantId).execute()).length;

describe('Idempotency-Key', () => {
  it('answers a retried import of customers without externalId with the first answer, creating them once', async () => {
    const body = { customers: [{ name: 'Ada', cardId: m.cardId }, { name: 'Ben', cardId: m.cardId }] };
    const first = await read(keyed(m, 'import-1').v1.customers.$post({ json: body }));
    const retry = await read(keyed(m, 'import-1').v1.customers.$post({ json: body }));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await count('customers', m.id)).toBe(2);
  });

  it('refuses the same key with a different body (422) and creates nothing', async () => {
    await keyed(m, 'import-2').v1.customers.$post({ json: { customers: [{ name: 'Cy', cardId: m.cardId }] } });
    const other = await readError(keyed(m, 'import-2').v1.customers.$post({ json: { customers: [{ name: 'Dee', cardId: m.cardId }] } }));
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('unprocessable');
    expect(await count('customers', m.id)).toBe(3);
  });

  it('adds the stamp of a retried event without id once', async () => {
    const customerId = await h.customer(m);
    const body = { customerId, type: 'stamp' as const };
    expect((await keyed(m, 'stamp-1').v1.events.$post({ json: body })).status).toBe(202);
    expect((await keyed(m, 'stamp-1').v1.events.$post({ json: body })).status).toBe(202);
    const row = await h.db.selectFrom('customers').select('stamps').where('id', '=', customerId).executeTakeFirstOrThrow();
    expect(row.stamps).toBe(1);
  });

  it('starts a campaign and a run once per key', async () => {
    const campaign = { name: 'Once', cardId: m.cardId, push: { text: 'Hi' } };
    const a = await read(keyed(m, 'campaign-1').v1.campaigns.$post({ json: campaign }));
    const b = await read(keyed(m, 'campaign-1').v1.campaigns.$post({ json: campaign }));
    expect(a.status).toBe(201);
    expect(b.body.runId).toBe(a.body.runId);
    const flow = await read(m.api.v1.flows.$post({ json: { name: 'Run once', graph: broadcastGraph({ push: 'Hello' }) } }));
    await m.api.v1.flows[':id'].publish.$post({ param: { id: flow.body.id } });
    const runs = await Promise.all([1, 2].map(() => keyed(m, 'run-1').v1.flows[':id'].runs.$post({ param: { id: flow.body.id } })));
    const started = runs.filter((r) => r.status === 202);
    expect(started.length).toBeGreaterThanOrEqual(1);
    // A retry racing the first is told to wait, never started twice.
    expect(runs.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    const rows = await h.db.selectFrom('runs').select('id').where('flow_id', '=', flow.body.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps keys per merchant', async () => {
    const other = await h.merchant('Other Café');
    const res = await keyed(other, 'import-1').v1.customers.$post({ json: { customers: [{ name: 'Eve', cardId: other.cardId }] } });
    expect(res.status).toBe(201);
    expect(await count('customers', other.id)).toBe(1);
  });
});
