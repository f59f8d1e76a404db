import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryChannel, DeliveryStatus, RunStatus } from '../../engine/db/schema';
import type { RunLauncher } from '../../server/temporal/run-launcher';
import { broadcastGraph } from '../support/graphs';
import { present, read, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

async function publishedFlow(
  merchant: TestMerchant,
  graph = broadcastGraph({ push: 'Hi', email: { subject: 'Hi', body: 'Hello' } }),
) {
  const flow = await read(merchant.api.v1.flows.$post({ json: { name: 'Broadcast', graph } }));
  const published = await merchant.api.v1.flows[':id'].publish.$post({ param: { id: flow.body.id } });
  expect(published.status).toBe(201);
  return flow.body.id;
}

const startRun = (flowId: string, merchant = m) => merchant.api.v1.flows[':id'].runs.$post({ param: { id: flowId } });
const report = (id: string, merchant = m) => merchant.api.v1.runs[':id'].$get({ param: { id } });
const cancel = (id: string, merchant = m) => merchant.api.v1.runs[':id'].cancel.$post({ param: { id } });
type DeliveriesQuery = Parameters<TestMerchant['api']['v1']['runs'][':id']['deliveries']['$get']>[0]['query'];
const deliveries = (id: string, query: DeliveriesQuery = {}, merchant = m) =>
  merchant.api.v1.runs[':id'].deliveries.$get({ param: { id }, query });

async function insertRun(
  flowId: string,
  status: RunStatus,
  fields: {
    member_count?: number;
    created_at?: string;
    started_at?: string;
    finished_at?: string;
    error?: string;
  } = {},
) {
  const id = randomUUID();
  await h.db
    .insertInto('runs')
    .values({
      id,
      merchant_id: m.id,
      flow_id: flowId,
      version: 1,
      workflow_id: `run-${id}`,
      status,
      send_at: null,
      error: null,
      started_at: null,
      finished_at: null,
      ...fields,
    })
    .execute();
  return id;
}

async function insertDeliveries(
  runId: string,
  rows: [seq: number, nodeId: string, channel: DeliveryChannel, status: DeliveryStatus][],
) {
  await h.db
    .insertInto('deliveries')
    .values(
      rows.map(([seq, node_id, channel, status]) => ({
        run_id: runId,
        node_id,
        channel,
        status,
        seq,
        customer_id: uuidFor(seq),
        attempts: 1,
        updated_at: new Date(),
      })),
    )
    .execute();
}

const uuidFor = (seq: number) => `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;

describe('starting runs', () => {
  it('answers 409 for a flow that was never published', async () => {
    const flow = await read(m.api.v1.flows.$post({ json: { name: 'Draft', graph: broadcastGraph({ push: 'Hi' }) } }));
    const res = await readError(startRun(flow.body.id));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('publish the flow first');
  });

  it('starts a run on Temporal and records it as running', async () => {
    const flowId = await publishedFlow(m);
    const res = await read(startRun(flowId));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId: expect.any(String), workflowId: `run-${res.body.runId}`, status: 'running' });
    const row = await h.db.selectFrom('runs').selectAll().where('id', '=', res.body.runId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ flow_id: flowId, version: 1, status: 'running', send_at: null });
  });

  it('records a broadcast with a future send time as scheduled and cancels it', async () => {
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const flowId = await publishedFlow(m, broadcastGraph({ push: 'Tomorrow', sendAt }));
    const res = await read(startRun(flowId));
    expect(res.body.status).toBe('scheduled');
    const got = await read(report(res.body.runId));
    expect(got.body).toMatchObject({ status: 'scheduled', sendAt });
    const cancelled = await read(cancel(res.body.runId));
    expect(cancelled).toMatchObject({ status: 202, body: { id: res.body.runId, status: 'scheduled' } });
  });

  it('answers 503 and leaves no run row, member or delivery when Temporal is unreachable', async () => {
    const calls: string[] = [];
    const down: RunLauncher = {
      workflowIdFor: (runId) => `run-${runId}`,
      async start(input) {
        calls.push(input.runId);
        // As if the start went through and only its answer was lost: the workflow has begun
        // writing (these tables have no key to runs, so nothing cascades; the start's undo
        // must delete them).
        const customerId = randomUUID();
        await offline.db
          .insertInto('run_step_members')
          .values({ run_id: input.runId, node_id: 'trigger', seq: 1, customer_id: customerId })
          .execute();
        await offline.db
          .insertInto('deliveries')
          .values({
            run_id: input.runId,
            node_id: 'push',
            channel: 'push',
            customer_id: customerId,
            seq: 1,
            status: 'sent',
            attempts: 1,
            updated_at: new Date(),
          })
          .execute();
        throw new Error('connect ECONNREFUSED 127.0.0.1:7233');
      },
      async cancel() {},
      async signalVisit() {},
      async syncSchedule() {},
      async removeSchedule() {},
      async history() {
        throw new Error('connect ECONNREFUSED 127.0.0.1:7233');
      },
    };
    const offline = await startHarness({ launcher: down });
    try {
      const merchant = await offline.merchant();
      const flowId = await publishedFlow(merchant, broadcastGraph({ push: 'Hi' }));
      const res = await readError(startRun(flowId, merchant));
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({
        code: 'unavailable',
        message: 'Temporal is not reachable: connect ECONNREFUSED 127.0.0.1:7233',
      });
      expect(calls).toHaveLength(1);
      expect(await offline.db.selectFrom('runs').selectAll().execute()).toEqual([]);
      expect(await offline.db.selectFrom('run_step_members').selectAll().execute()).toEqual([]);
      expect(await offline.db.selectFrom('deliveries').selectAll().execute()).toEqual([]);
    } finally {
      await offline.close();
    }
  });
});

describe('run reports', () => {
  it('counts deliveries by status and entered members by node, ignoring in-flight sends', async () => {
    const flowId = await publishedFlow(m);
    const runId = await insertRun(flowId, 'running', { member_count: 4 });
    // Entered counts come per processed page; the email step read two groups (two paths).
    await h.db
      .insertInto('run_step_pages')
      .values([
        { run_id: runId, node_id: 'push', group_key: 'trigger:', from_seq: 1, entered: 4 },
        { run_id: runId, node_id: 'email', group_key: 'seg:match', from_seq: 1, entered: 1 },
        { run_id: runId, node_id: 'email', group_key: 'seg:else', from_seq: 1, entered: 1 },
      ])
      .execute();
    await insertDeliveries(runId, [
      [1, 'push', 'push', 'sent'],
      [2, 'push', 'push', 'sent'],
      [3, 'push', 'push', 'failed'],
      [4, 'push', 'push', 'sending'],
      [1, 'email', 'email', 'suppressed'],
      [2, 'email', 'email', 'skipped'],
    ]);
    const res = await read(report(runId));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: runId,
      flowId,
      version: 1,
      workflowId: `run-${runId}`,
      status: 'running',
      startedAt: expect.any(String),
    });
    expect(res.body).not.toHaveProperty('finishedAt');
    expect(res.body).not.toHaveProperty('error');
    expect(res.body.counts).toEqual({ members: 4, sent: 2, failed: 1, suppressed: 1, skipped: 1 });
    expect(res.body.steps).toEqual({
      push: { entered: 4, waiting: 0, sent: 2, failed: 1, suppressed: 0, skipped: 0 },
      email: { entered: 2, waiting: 0, sent: 0, failed: 0, suppressed: 1, skipped: 1 },
    });
  });

  it('lists a flow’s runs newest first with their counts', async () => {
    const flowId = await publishedFlow(m);
    const older = await insertRun(flowId, 'completed', { created_at: '2025-01-01T00:00:00Z' });
    const newer = await insertRun(flowId, 'running', { created_at: '2025-01-02T00:00:00Z' });
    await insertDeliveries(older, [[1, 'push', 'push', 'sent']]);
    const runs = (query: { limit?: string; cursor?: string } = {}) =>
      read(m.api.v1.runs.$get({ query: { flowId, ...query } }));
    const res = await runs();
    expect(res.body.items.map((r) => r.id)).toEqual([newer, older]);
    expect(res.body.items[1]).toMatchObject({ status: 'completed', counts: { members: 0, sent: 1, failed: 0 } });
    const paged = await runs({ limit: '1' });
    const next = await runs({ limit: '1', cursor: present(paged.body.nextCursor, 'the next cursor') });
    expect([paged.body.items[0]?.id, next.body.items[0]?.id]).toEqual([newer, older]);
    expect(next.body.nextCursor).toBeUndefined();
  });

  it('shows when a run finished and why it failed', async () => {
    const flowId = await publishedFlow(m);
    const runId = await insertRun(flowId, 'failed', {
      started_at: '2025-01-01T10:00:00Z',
      finished_at: '2025-01-01T10:05:00Z',
      error: 'audience query timed out',
    });
    const res = await read(report(runId));
    expect(res.body).toMatchObject({
      status: 'failed',
      startedAt: '2025-01-01T10:00:00.000Z',
      finishedAt: '2025-01-01T10:05:00.000Z',
      error: 'audience query timed out',
    });
  });

  it('answers 409 when cancelling a finished run', async () => {
    const flowId = await publishedFlow(m);
    const runId = await insertRun(flowId, 'completed');
    const res = await readError(cancel(runId));
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
  });

  it('answers 404 for another merchant’s run', async () => {
    const flowId = await publishedFlow(m);
    const runId = await insertRun(flowId, 'running');
    const other = await h.merchant('Other');
    expect((await report(runId, other)).status).toBe(404);
    expect((await deliveries(runId, {}, other)).status).toBe(404);
    expect((await cancel(runId, other)).status).toBe(404);
  });
});

describe('GET /v1/runs/:id/deliveries', () => {
  it('filters by customer and status and pages in (seq, node, channel) order', async () => {
    const flowId = await publishedFlow(m);
    const runId = await insertRun(flowId, 'running');
    await insertDeliveries(runId, [
      [2, 'push', 'push', 'sent'],
      [1, 'push', 'push', 'failed'],
      [1, 'email', 'email', 'sent'],
      [3, 'email', 'email', 'sent'],
      [2, 'email', 'email', 'suppressed'],
    ]);
    await h.db
      .updateTable('deliveries')
      .set({ reason: 'inactive recipient', provider_message_id: 'pm-1' })
      .where('run_id', '=', runId)
      .where('seq', '=', 2)
      .where('channel', '=', 'email')
      .execute();

    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await read(deliveries(runId, { limit: '2', cursor }));
      keys.push(...res.body.items.map((d) => `${d.customerId.slice(-1)}:${d.nodeId}`));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(keys).toEqual(['1:email', '1:push', '2:email', '2:push', '3:email']);

    const forCustomer = await read(deliveries(runId, { customerId: uuidFor(2) }));
    expect(forCustomer.body.items).toHaveLength(2);
    const suppressed = await read(deliveries(runId, { status: 'suppressed' }));
    expect(suppressed.body.items).toEqual([
      {
        customerId: uuidFor(2),
        customerName: null, // no such customer row: the report still lists the delivery
        customerEmail: null,
        nodeId: 'email',
        channel: 'email',
        status: 'suppressed',
        reason: 'inactive recipient',
        providerMessageId: 'pm-1',
        attempts: 1,
        at: expect.any(String),
      },
    ]);
    // `lost` is no status: the typed client cannot send it.
    expect((await m.sendRaw('GET', `/v1/runs/${runId}/deliveries?status=lost`)).status).toBe(400);
    expect((await deliveries(runId, { customerId: '7' })).status).toBe(400);
  });
});
