import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { present, read, readOk, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

describe('GET /v1/outbox', () => {
  it('lists captured messages newest first, filtered by channel', async () => {
    const rows = [
      {
        channel: 'email' as const,
        recipient: 'a@example.com',
        subject: 'Hi',
        body: 'Hello',
        created_at: '2025-01-01T00:00:00Z',
      },
      {
        channel: 'push' as const,
        recipient: 'serial-1',
        subject: null,
        body: 'Coffee?',
        created_at: '2025-01-02T00:00:00Z',
      },
      {
        channel: 'email' as const,
        recipient: 'b@example.com',
        subject: 'Yo',
        body: 'Hey',
        created_at: '2025-01-03T00:00:00Z',
      },
    ];
    await h.db
      .insertInto('outbox')
      .values(rows.map((r) => ({ ...r, merchant_id: m.id, payload: JSON.stringify({ to: r.recipient }) })))
      .execute();
    const all = await read(m.api.v1.outbox.$get({ query: {} }));
    expect(all.body.items.map((i) => i.recipient)).toEqual(['b@example.com', 'serial-1', 'a@example.com']);
    expect(all.body.items[0]).toEqual({
      id: expect.any(String),
      channel: 'email',
      recipient: 'b@example.com',
      subject: 'Yo',
      body: 'Hey',
      payload: { to: 'b@example.com' },
      createdAt: '2025-01-03T00:00:00.000Z',
      customer: null,
      voucherCode: null,
    });
    const emails = await read(m.api.v1.outbox.$get({ query: { channel: 'email', limit: '1' } }));
    expect(emails.body.items.map((i) => i.recipient)).toEqual(['b@example.com']);
    expect(emails.body.nextCursor).toEqual(expect.any(String));
    expect((await m.sendRaw('GET', '/v1/outbox?channel=sms')).status).toBe(400);
    const other = await h.merchant('Other');
    expect((await read(other.api.v1.outbox.$get({ query: {} }))).body.items).toEqual([]);
  });

  it('shows pushes captured in the outbox from their delivery rows, in one newest-first list with the emails', async () => {
    const shop = await h.merchant('Push café');
    const graph = broadcastGraph({ cardId: shop.cardId, push: 'Coffee?', email: { subject: 'Hi', body: 'Hello' } });
    const flowId = (await readOk(shop.api.v1.flows.$post({ json: { name: 'Coffee', graph } }))).id;
    expect((await shop.api.v1.flows[':id'].publish.$post({ param: { id: flowId } })).status).toBe(201);
    const runId = (await read(shop.api.v1.flows[':id'].runs.$post({ param: { id: flowId } }))).body.runId;
    const [ann, ben] = [await h.customer(shop), await h.customer(shop)];
    await h.db
      .insertInto('passes')
      .values([
        { customer_id: ann, serial_number: 'serial-ann', authentication_token: 'token-ann-0123456789' },
        { customer_id: ben, serial_number: 'serial-ben', authentication_token: 'token-ben-0123456789' },
      ])
      .execute();
    const push = (customerId: string, seq: number, at: string, status: 'sent' | 'skipped', extra: object) => ({
      run_id: runId,
      node_id: 'push',
      customer_id: customerId,
      channel: 'push' as const,
      status,
      seq,
      attempts: 1,
      created_at: at,
      updated_at: at,
      ...extra,
    });
    await h.db
      .insertInto('deliveries')
      .values([
        push(ann, 1, '2025-01-02T00:00:00Z', 'sent', {
          provider_message_id: 'outbox:00000000-0000-4000-8000-00000000000a',
          voucher_code: 'SF-ANN',
        }),
        push(ben, 2, '2025-01-04T00:00:00Z', 'sent', {
          provider_message_id: 'outbox:00000000-0000-4000-8000-00000000000b',
        }),
        // Nothing was captured for a member the step skipped.
        { ...push(ben, 3, '2025-01-05T00:00:00Z', 'skipped', { reason: 'no_pass' }), node_id: 'other' },
      ])
      .execute();
    await h.db
      .insertInto('outbox')
      .values(
        ['2025-01-01T00:00:00Z', '2025-01-03T00:00:00Z'].map((at, i) => ({
          merchant_id: shop.id,
          channel: 'email' as const,
          recipient: `mail-${i}@example.com`,
          subject: 'Hi',
          body: 'Hello',
          payload: JSON.stringify({}),
          created_at: at,
        })),
      )
      .execute();

    // One at a time, the cursor carries on across both sources.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const one = await read(shop.api.v1.outbox.$get({ query: { limit: '1', ...(cursor ? { cursor } : {}) } }));
      seen.push(...one.body.items.map((i) => `${i.channel}:${i.recipient}`));
      cursor = one.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([
      'push:serial-ben',
      'email:mail-1@example.com',
      'push:serial-ann',
      'email:mail-0@example.com',
    ]);

    const pushes = await read(shop.api.v1.outbox.$get({ query: { channel: 'push' } }));
    expect(pushes.body.items).toHaveLength(2);
    expect(pushes.body.items[1]).toEqual({
      id: '00000000-0000-4000-8000-00000000000a',
      channel: 'push',
      recipient: 'serial-ann',
      subject: null,
      body: 'Coffee?',
      payload: { runId, nodeId: 'push', customerId: ann, voucherCode: 'SF-ANN' },
      createdAt: '2025-01-02T00:00:00.000Z',
      customer: { id: ann, name: 'Ada', email: null },
      voucherCode: 'SF-ANN',
    });
    const emails = await read(shop.api.v1.outbox.$get({ query: { channel: 'email' } }));
    expect(emails.body.items.map((i) => i.channel)).toEqual(['email', 'email']);
    // Found by the text of the push step, as a stored message is by its body.
    const found = await read(shop.api.v1.outbox.$get({ query: { q: 'coffee' } }));
    expect(found.body.items.map((i) => i.recipient)).toEqual(['serial-ben', 'serial-ann']);
    // Another merchant sees none of them.
    expect(
      (await read(m.api.v1.outbox.$get({ query: { channel: 'push' } }))).body.items.map((i) => i.recipient),
    ).toEqual(['serial-1']);
    present(pushes.body.items[0], 'the newest push');
  });
});
