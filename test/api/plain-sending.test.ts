/**
 * The run page and the Outbox in the owner's words: customers named and found by name or
 * email, vouchers listed with their codes, subjects as sent, why members got nothing
 * (grouped, counted), and what the messaging rules held back per flow. The run rows are
 * written straight to the database, as the activities would (no worker listens here).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { present, read, readError, readOk, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
let runId: string;
let flowId: string;
const ids: Record<string, string> = {};

const PEOPLE = [
  { key: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  { key: 'bob', name: 'Bob Baker', email: null },
  { key: 'cy', name: 'Cy Young', email: null },
  { key: 'dee', name: 'Dee Capped', email: 'dee@example.com' },
  { key: 'eve', name: 'Eve Held', email: 'eve@example.com' },
  { key: 'fay', name: 'Fay Later', email: 'fay@example.com' },
] as const;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
  const graph = broadcastGraph({
    cardId: m.cardId,
    voucher: { title: 'Free muffin', validDays: 14 },
    push: 'A muffin for you',
    email: { subject: 'Hi {{customer.name}}', body: 'Hello' },
  });
  flowId = (await readOk(m.api.v1.flows.$post({ json: { name: 'Muffin week', graph } }))).id;
  expect((await m.api.v1.flows[':id'].publish.$post({ param: { id: flowId } })).status).toBe(201);
  const run = await read(m.api.v1.flows[':id'].runs.$post({ param: { id: flowId } }));
  expect(run.status).toBe(202);
  runId = run.body.runId;

  const rows = await h.db
    .insertInto('customers')
    .values(
      PEOPLE.map((p) => ({
        merchant_id: m.id,
        card_id: m.cardId,
        name: p.name,
        email: p.email,
        email_consent: p.email !== null,
        stamps: 0,
        joined_at: new Date(),
      })),
    )
    .returning(['id', 'name'])
    .execute();
  for (const p of PEOPLE) ids[p.key] = rows.find((r) => r.name === p.name)?.id ?? '';
  const id = (key: string) => ids[key] ?? '';

  // Everyone entered at the trigger.
  await h.db
    .insertInto('run_step_members')
    .values(PEOPLE.map((p, i) => ({ run_id: runId, node_id: 'trigger', seq: i + 1, customer_id: id(p.key) })))
    .execute();
  const seq = (key: string) => PEOPLE.findIndex((p) => p.key === key) + 1;
  const outbox = await h.db
    .insertInto('outbox')
    .values([
      {
        merchant_id: m.id,
        channel: 'email',
        recipient: 'ada@example.com',
        subject: 'Hi Ada Lovelace',
        body: 'Hello',
        payload: JSON.stringify({ metadata: { runId, nodeId: 'email', customerId: id('ada') } }),
      },
    ])
    .returning(['id', 'channel'])
    .execute();
  const outboxEmail = outbox.find((o) => o.channel === 'email')?.id ?? '';
  // One at a time: the run issues them in order, and the list keeps that order.
  for (const key of ['ada', 'dee']) {
    await h.db
      .insertInto('vouchers')
      .values({
        merchant_id: m.id,
        customer_id: id(key),
        run_id: runId,
        node_id: 'voucher',
        code: `MUF-${key.toUpperCase()}1`,
        title: 'Free muffin',
        expires_at: new Date(Date.now() + 14 * 86_400_000),
      })
      .execute();
  }
  const delivery = (key: string, nodeId: string, channel: 'push' | 'email', status: string, extra = {}) => ({
    run_id: runId,
    node_id: nodeId,
    customer_id: id(key),
    channel,
    status: status as 'sent',
    seq: seq(key),
    attempts: 1,
    updated_at: new Date(),
    ...extra,
  });
  await h.db
    .insertInto('deliveries')
    .values([
      // Ada got both: she is not among those who got nothing.
      delivery('ada', 'push', 'push', 'sent', {
        provider_message_id: 'outbox:00000000-0000-4000-8000-000000000000',
        voucher_code: 'MUF-ADA1',
      }),
      delivery('ada', 'email', 'email', 'sent', { provider_message_id: `outbox:${outboxEmail}` }),
      // Bob and Cy: no pass, then no email.
      delivery('bob', 'push', 'push', 'skipped', { reason: 'no_pass' }),
      delivery('bob', 'email', 'email', 'skipped', { reason: 'no_email' }),
      delivery('cy', 'push', 'push', 'skipped', { reason: 'no_pass' }),
      // Dee: the weekly limit on both channels.
      delivery('dee', 'push', 'push', 'skipped', { reason: 'frequency_cap' }),
      delivery('dee', 'email', 'email', 'skipped', { reason: 'frequency_cap' }),
    ])
    .execute();
  // Eve was kept back to measure the flow; Fay has not reached a message step.
  await h.db.insertInto('run_exits').values({ run_id: runId, customer_id: id('eve'), node_id: 'trigger', reason: 'holdout' }).execute();
});
afterAll(async () => h?.close());

describe('GET /v1/runs/:id/nothing-sent', () => {
  it('groups the members who got nothing by the first thing that stopped them', async () => {
    const res = await read(m.api.v1.runs[':id']['nothing-sent'].$get({ param: { id: runId } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      total: 5,
      groups: [
        { reason: 'no_pass', count: 2 },
        { reason: 'frequency_cap', count: 1 },
        { reason: 'holdout', count: 1 },
        { reason: 'no_message', count: 1 },
      ],
    });
  });
});

describe('GET /v1/runs/:id/deliveries', () => {
  it('finds deliveries by part of the customer name or email, and shows email subjects as sent', async () => {
    const deliveries = (q: string) => m.api.v1.runs[':id'].deliveries.$get({ param: { id: runId }, query: { q } });
    const byName = await read(deliveries('lovel'));
    expect(byName.status).toBe(200);
    expect(byName.body.items.map((d) => d.channel).sort()).toEqual(['email', 'push']);
    const email = byName.body.items.find((d) => d.channel === 'email');
    expect(email).toMatchObject({ customerName: 'Ada Lovelace', subject: 'Hi Ada Lovelace' });
    const byEmail = await read(deliveries('DEE@EXAMPLE'));
    expect(byEmail.body.items.map((d) => d.customerName)).toEqual(['Dee Capped', 'Dee Capped']);
    // A `%` is a character, not "anything".
    expect((await read(deliveries('%'))).body.items).toEqual([]);
    expect((await deliveries('x'.repeat(201))).status).toBe(400);
  });
});

describe('GET /v1/runs/:id/vouchers', () => {
  it('lists the codes the run issued with their customers, filtered by search', async () => {
    const vouchers = (query: { q?: string; limit?: string; cursor?: string }) =>
      read(m.api.v1.runs[':id'].vouchers.$get({ param: { id: runId }, query }));
    const all = await vouchers({});
    expect(all.status).toBe(200);
    expect(all.body.items.map((v) => [v.code, v.customerName, v.nodeId])).toEqual([
      ['MUF-ADA1', 'Ada Lovelace', 'voucher'],
      ['MUF-DEE1', 'Dee Capped', 'voucher'],
    ]);
    const paged = await vouchers({ limit: '1' });
    expect(paged.body.items).toHaveLength(1);
    const next = await vouchers({ limit: '1', cursor: present(paged.body.nextCursor, 'the next cursor') });
    expect(next.body.items.map((v) => v.code)).toEqual(['MUF-DEE1']);
    const found = await vouchers({ q: 'dee' });
    expect(found.body.items.map((v) => v.code)).toEqual(['MUF-DEE1']);
  });
});

describe('GET /v1/outbox', () => {
  it('names the customer of each message, carries the voucher code and finds messages by name or email', async () => {
    const outbox = (query: { q?: string; channel?: 'push' | 'email' } = {}) => read(m.api.v1.outbox.$get({ query }));
    // Ada's push is captured as its delivery row (above), shown on her pass (for this test only:
    // the send preview below counts the customers without one).
    await h.db
      .insertInto('passes')
      .values({ customer_id: ids.ada ?? '', serial_number: 'serial-ada', authentication_token: 'token-ada-0123456789' })
      .execute();
    const all = await outbox();
    await h.db.deleteFrom('passes').where('serial_number', '=', 'serial-ada').execute();
    expect(all.status).toBe(200);
    // The push is read from its delivery row: the pass it went to, the step's text, the voucher it carried.
    const push = all.body.items.find((o) => o.channel === 'push');
    expect(push).toMatchObject({
      id: '00000000-0000-4000-8000-000000000000',
      recipient: 'serial-ada',
      subject: null,
      body: 'A muffin for you',
      payload: { runId, nodeId: 'push', customerId: ids.ada, voucherCode: 'MUF-ADA1' },
      customer: { id: ids.ada, name: 'Ada Lovelace', email: 'ada@example.com' },
      voucherCode: 'MUF-ADA1',
    });
    expect(all.body.items.map((o) => o.channel).sort()).toEqual(['email', 'push']);
    const email = all.body.items.find((o) => o.channel === 'email');
    // The email's voucher is the one the run gave her.
    expect(email).toMatchObject({ customer: { name: 'Ada Lovelace' }, voucherCode: 'MUF-ADA1', subject: 'Hi Ada Lovelace' });
    expect((await outbox({ q: 'ADA LOVE' })).body.items).toHaveLength(2);
    expect((await outbox({ q: 'ada@example', channel: 'push' })).body.items).toHaveLength(1);
    expect((await outbox({ q: 'nobody' })).body.items).toEqual([]);
  });

  it("does not name another merchant's customer even when the payload points at one", async () => {
    const other = await h.merchant('Other café');
    await h.db
      .insertInto('outbox')
      .values({
        merchant_id: other.id,
        channel: 'push',
        recipient: 'serial-x',
        subject: null,
        body: 'Hi',
        payload: JSON.stringify({ customerId: ids.ada, runId, voucherCode: null }),
      })
      .execute();
    const items = (await read(other.api.v1.outbox.$get({ query: {} }))).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ customer: null, voucherCode: null });
    expect((await read(other.api.v1.outbox.$get({ query: { q: 'ada' } }))).body.items).toEqual([]);
  });
});

describe('GET /v1/held-back', () => {
  it('counts what the messaging rules held back per flow, by rule and channel', async () => {
    const heldBack = (query: { flowId?: string; days?: string }, owner = m) => owner.api.v1['held-back'].$get({ query });
    const res = await read(heldBack({}));
    expect(res.status).toBe(200);
    expect(res.body.days).toBe(30);
    expect(res.body.flows).toEqual([
      {
        flowId,
        total: 2,
        byRule: [
          { rule: 'frequency_cap', channel: 'email', count: 1 },
          { rule: 'frequency_cap', channel: 'push', count: 1 },
        ],
      },
    ]);
    const one = await read(heldBack({ flowId, days: '7' }));
    expect(one.body.flows).toHaveLength(1);
    // Older skips fall out of the window.
    await sql`update deliveries set created_at = now() - interval '10 days' where run_id = ${runId} and channel = 'push'`.execute(h.db);
    expect((await read(heldBack({ flowId, days: '7' }))).body.flows[0]?.total).toBe(1);
    expect((await heldBack({ days: '0' })).status).toBe(400);
    expect((await heldBack({ flowId: 'nope' })).status).toBe(400);
    const other = await h.merchant('Third café');
    expect((await heldBack({ flowId }, other)).status).toBe(404);
    expect((await read(heldBack({}, other))).body.flows).toEqual([]);
  });
});

describe('GET /v1/flows/:id/send-preview?draft=true', () => {
  it('counts the saved draft before it is published; a draft with problems is a 422 naming them', async () => {
    const graph = broadcastGraph({ cardId: m.cardId, push: 'Hi' });
    const id = (await readOk(m.api.v1.flows.$post({ json: { name: 'Draft only', graph } }))).id;
    const preview = (query: { draft?: 'true' }, owner = m) =>
      owner.api.v1.flows[':id']['send-preview'].$get({ param: { id }, query });
    expect((await preview({})).status).toBe(409);
    const draft = await read(preview({ draft: 'true' }));
    expect(draft.status).toBe(200);
    // The six customers above hold the card; none has a pass in a wallet.
    expect(draft.body).toMatchObject({ version: null, members: 6, steps: [{ nodeId: 'push', channel: 'push', reach: 0, unreachable: 6 }] });
    expect((await m.sendRaw('GET', `/v1/flows/${id}/send-preview?draft=yes`)).status).toBe(400);
    // A start with no step after it: a draft the compiler refuses.
    expect(
      (await m.api.v1.flows[':id'].$put({ param: { id }, json: { graph: broadcastGraph({ cardId: m.cardId }) } })).status,
    ).toBe(200);
    const broken = await readError<{ diagnostics: unknown[] }>(preview({ draft: 'true' }));
    expect(broken.status).toBe(422);
    expect(broken.body.error.details?.diagnostics).toEqual([expect.objectContaining({ nodeId: 'trigger', message: expect.any(String) })]);
    // Nothing was published or started by asking.
    const flow = await read(m.api.v1.flows[':id'].$get({ param: { id } }));
    expect([flow.body.versions, flow.body.status]).toEqual([[], 'draft']);
    const other = await h.merchant('Fourth café');
    expect((await preview({ draft: 'true' }, other)).status).toBe(404);
  });
});
