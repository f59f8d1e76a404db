import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read, startHarness, type Harness, type TestMerchant } from './harness';

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
    expect(all.body.items.map((i) => i.recipient)).toEqual([
      'b@example.com',
      'serial-1',
      'a@example.com',
    ]);
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
});
