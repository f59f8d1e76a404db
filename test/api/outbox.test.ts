import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from './harness';

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
    const all = await m.call('GET', '/v1/outbox');
    expect(all.body.items.map((i: { recipient: string }) => i.recipient)).toEqual([
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
    const emails = await m.call('GET', '/v1/outbox?channel=email&limit=1');
    expect(emails.body.items.map((i: { recipient: string }) => i.recipient)).toEqual(['b@example.com']);
    expect(emails.body.nextCursor).toEqual(expect.any(String));
    expect((await m.call('GET', '/v1/outbox?channel=sms')).status).toBe(400);
    const other = await h.merchant('Other');
    expect((await other.call('GET', '/v1/outbox')).body.items).toEqual([]);
  });
});
