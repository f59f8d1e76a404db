import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryChannel, DeliveryStatus, RunStatus } from '../../engine/db/schema';
import type { RunLauncher } from '../../server/temporal/run-launcher';
import { broadcastGraph } from '../support/graphs';
import { startHarness, type Harness, type TestMerchant } from './harness';

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
  const flow = await merchant.call('POST', '/v1/flows', { name: 'Broadcast', graph });
  const published = await merchant.call('POST', `/v1/flows/${flow.body.id}/publish`);
  expect(published.status).toBe(201);
  return flow.body.id as string;
}

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
    const flow = await m.call('POST', '/v1/flows', { name: 'Draft', graph: broadcastGraph({ push: 'Hi' }) });
    const res = await m.call('POST', `/v1/flows/${flow.body.id}/runs`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('publish the flow first');
  });

  it('starts a run on Temporal and records it as running', async () => {
    const flowId = await publishedFlow(m);
    const res = await m.call('POST', `/v1/flows/${flowId}/runs`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId: expect.any(String), workflowId: `run-${res.body.runId}`, status: 'running' });
    const row = await h.db.selectFrom('runs').selectAll().where('id', '=', res.body.runId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ flow_id: flowId, version: 1, status: 'running', send_at: null });
  });

  it('records a broadcast with a future send time as scheduled and cancels it', async () => {
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const flowId = await publishedFlow(m, broadcastGraph({ push: 'Tomorrow', sendAt }));
    const res = await m.call('POST', `/v1/flows/${flowId}/runs`);
    expect(res.body.status).toBe('scheduled');
    const got = await m.call('GET', `/v1/runs/${res.body.runId}`);
    expect(got.body).toMatchObject({ status: 'scheduled', sendAt });
    const cancelled = await m.call('POST', `/v1/runs/${res.body.runId}/cancel`);
    expect(cancelled).toMatchObject({ status: 202, body: { id: res.body.runId, status: 'scheduled' } });
  });

  it('answers 503 and leaves no run row when Temporal is unreachable', async () => {
    const calls: string[] = [];
    const down: RunLauncher = {
      workflowIdFor: (runId) => `run-${runId}`,
      async start(input) {
        calls.push(input.runId);
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
      const flow = await merchant.call('POST', '/v1/flows', { name: 'B', graph: broadcastGraph({ push: 'Hi' }) });
      await merchant.call('POST', `/v1/flows/${flow.body.id}/publish`);
      const res = await merchant.call('POST', `/v1/flows/${flow.body.id}/runs`);
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({
        code: 'unavailable',
        message: 'Temporal is not reachable: connect ECONNREFUSED 127.0.0.1:7233',
      });
      expect(calls).toHaveLength(1);
      expect(await offline.db.selectFrom('runs').selectAll().execute()).toEqual([]);
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
    const res = await m.call('GET', `/v1/runs/${runId}`);
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
    const res = await m.call('GET', `/v1/runs?flowId=${flowId}`);
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([newer, older]);
    expect(res.body.items[1]).toMatchObject({ status: 'completed', counts: { members: 0, sent: 1, failed: 0 } });
    const paged = await m.call('GET', `/v1/runs?flowId=${flowId}&limit=1`);
    const next = await m.call('GET', `/v1/runs?flowId=${flowId}&limit=1&cursor=${paged.body.nextCursor}`);
    expect([paged.body.items[0].id, next.body.items[0].id]).toEqual([newer, older]);
    expect(next.body.nextCursor).toBeUndefined();
  });

  it('shows when a run finished and why it failed', async () => {
    const flowId = await publishedFlow(m);
    const runId = await insertRun(flowId, 'failed', {
      started_at: '2025-01-01T10:00:00Z',
      finished_at: '2025-01-01T10:05:00Z',
      error: 'audience query timed out',
    });
    const res = await m.call('GET', `/v1/runs/${runId}`);
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
    const res = await m.call('POST', `/v1/runs/${runId}/cancel`);
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
  });

  it('answers 404 for another merchant’s run', async () => {
    const flowId = await publishedFlow(m);
    const runId = await insertRun(flowId, 'running');
    const other = await h.merchant('Other');
    expect((await other.call('GET', `/v1/runs/${runId}`)).status).toBe(404);
    expect((await other.call('GET', `/v1/runs/${runId}/deliveries`)).status).toBe(404);
    expect((await other.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(404);
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
      const res = await m.call('GET', `/v1/runs/${runId}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      keys.push(
        ...res.body.items.map((d: { customerId: string; nodeId: string }) => `${d.customerId.slice(-1)}:${d.nodeId}`),
      );
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(keys).toEqual(['1:email', '1:push', '2:email', '2:push', '3:email']);

    const forCustomer = await m.call('GET', `/v1/runs/${runId}/deliveries?customerId=${uuidFor(2)}`);
    expect(forCustomer.body.items).toHaveLength(2);
    const suppressed = await m.call('GET', `/v1/runs/${runId}/deliveries?status=suppressed`);
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
    expect((await m.call('GET', `/v1/runs/${runId}/deliveries?status=lost`)).status).toBe(400);
    expect((await m.call('GET', `/v1/runs/${runId}/deliveries?customerId=7`)).status).toBe(400);
  });
});
