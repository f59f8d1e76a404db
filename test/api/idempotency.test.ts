/**
 * `Idempotency-Key` on creating POSTs: a retried request with the same key and body gets the
 * first answer again and creates nothing more (counted in the database), another body with
 * the same key is refused, and keys are per merchant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

const post = (who: TestMerchant, path: string, body: unknown, key: string) =>
  h.send('POST', path, { body, headers: { Authorization: `Bearer ${who.apiKey}`, 'Idempotency-Key': key } });

const count = async (table: 'customers' | 'runs' | 'events', merchantId: string) =>
  (await h.db.selectFrom(table).select('id').where('merchant_id', '=', merchantId).execute()).length;

describe('Idempotency-Key', () => {
  it('answers a retried import of customers without externalId with the first answer, creating them once', async () => {
    const body = { customers: [{ name: 'Ada', cardId: m.cardId }, { name: 'Ben', cardId: m.cardId }] };
    const first = await post(m, '/v1/customers', body, 'import-1');
    const retry = await post(m, '/v1/customers', body, 'import-1');
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await count('customers', m.id)).toBe(2);
  });

  it('refuses the same key with a different body (422) and creates nothing', async () => {
    await post(m, '/v1/customers', { customers: [{ name: 'Cy', cardId: m.cardId }] }, 'import-2');
    const other = await post(m, '/v1/customers', { customers: [{ name: 'Dee', cardId: m.cardId }] }, 'import-2');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('unprocessable');
    expect(await count('customers', m.id)).toBe(3);
  });

  it('adds the stamp of a retried event without id once', async () => {
    const customerId = await h.customer(m);
    const body = { customerId, type: 'stamp' };
    expect((await post(m, '/v1/events', body, 'stamp-1')).status).toBe(202);
    expect((await post(m, '/v1/events', body, 'stamp-1')).status).toBe(202);
    const row = await h.db.selectFrom('customers').select('stamps').where('id', '=', customerId).executeTakeFirstOrThrow();
    expect(row.stamps).toBe(1);
  });

  it('starts a campaign and a run once per key', async () => {
    const campaign = { name: 'Once', cardId: m.cardId, push: { text: 'Hi' } };
    const a = await post(m, '/v1/campaigns', campaign, 'campaign-1');
    const b = await post(m, '/v1/campaigns', campaign, 'campaign-1');
    expect(a.status).toBe(201);
    expect(b.body.runId).toBe(a.body.runId);
    const flow = await m.call('POST', '/v1/flows', { name: 'Run once', graph: broadcastGraph({ push: 'Hello' }) });
    await m.call('POST', `/v1/flows/${flow.body.id}/publish`);
    const runs = await Promise.all([1, 2].map(() => post(m, `/v1/flows/${flow.body.id}/runs`, undefined, 'run-1')));
    const started = runs.filter((r) => r.status === 202);
    expect(started.length).toBeGreaterThanOrEqual(1);
    // A retry racing the first is told to wait, never started twice.
    expect(runs.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    const rows = await h.db.selectFrom('runs').select('id').where('flow_id', '=', flow.body.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps keys per merchant', async () => {
    const other = await h.merchant('Other Café');
    const res = await post(other, '/v1/customers', { customers: [{ name: 'Eve', cardId: other.cardId }] }, 'import-1');
    expect(res.status).toBe(201);
    expect(await count('customers', other.id)).toBe(1);
  });
});
