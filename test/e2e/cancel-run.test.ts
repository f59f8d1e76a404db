/**
 * Cancelling a run through the HTTP API on the real stack: while it waits (nothing after
 * the wait is ever sent) and while it is sending email through the local Postmark server
 * (sending stops before the audience is done, and the ledger matches what Postmark accepted).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostmarkSender } from '../../engine/channels/email/postmark-sender';
import { pushesPerCustomer } from '../journeys/outbox';
import { journey, node } from '../journeys/graphs';
import { startPostmarkServer, type PostmarkServer } from '../postmark-server';
import { broadcastGraph } from '../support/graphs';
import { seedCustomers } from '../support/seed';
import { DEFAULT_CHANNELS, startStack } from '../support/stack';
import {
  createMerchant,
  importCustomers,
  ok,
  pollRun,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  step,
  waitForStatus,
  type Merchant,
  type RunReport,
} from './http';

const TOKEN = 'cancel-test-token';
let postmark: PostmarkServer | undefined;
const file = stackForFile(async () => {
  postmark = await startPostmarkServer({ token: TOKEN });
  return startStack({ ...DEFAULT_CHANNELS, emailSender: createPostmarkSender({ serverToken: TOKEN, apiUrl: postmark.url, timeoutMs: 5_000 }) });
});
afterAll(async () => postmark?.close());

/** The workflow's own status at Temporal, e.g. `CANCELLED`. */
async function workflowStatus(runId: string): Promise<string> {
  const described = await file.stack.client.workflow.getHandle(`run-${runId}`).describe();
  return described.status.name;
}

describe('cancelling a run while it waits', () => {
  it('ends it cancelled: the push before the wait stays sent, the push after it is never sent', async () => {
    const m = await createMerchant(file.app, 'Wait Café');
    const rows = Array.from({ length: 6 }, (_, i) => ({ externalId: `w-${i}`, name: `W ${i}`, cardId: m.cardId }));
    const customers = [...(await importCustomers(m, rows)).values()];
    const graph = journey({ trigger: 'broadcast' }, [
      node('first', 'push', { text: 'Before the wait' }),
      node('hold', 'wait', { for: { hours: 1 } }),
      node('second', 'push', { text: 'After the wait' }),
    ]);
    const { runId } = await startRun(m, await publishedFlow(m, graph, 'push-wait-push'));

    // Proof that it waits: all six in the wait, an hour ahead, the second push not entered.
    const waiting = await pollRun(m, runId, (r) => r.steps['hold']?.waiting === 6);
    expect(waiting.status).toBe('running');
    expect(waiting.steps['first']).toEqual(step({ entered: 6, sent: 6 }));
    expect(Date.parse(waiting.steps['hold']?.waitingUntil ?? '')).toBeGreaterThan(Date.now() + 3_500_000);
    expect(waiting.steps['second']?.entered ?? 0).toBe(0);

    const cancel = ok(await m.api.post<{ id: string; status: string }>(`/v1/runs/${runId}/cancel`), 202);
    expect(cancel).toEqual({ id: runId, status: 'running' });
    const cancelled = await waitForStatus(file.app, m.key, runId, ['completed', 'failed', 'cancelled']);
    expect(cancelled.status).toBe('cancelled');
    await expect(file.stack.client.workflow.getHandle(`run-${runId}`).result()).rejects.toThrow();
    expect(await workflowStatus(runId)).toBe('CANCELLED');

    // What was done, and only that: six first pushes, nobody waiting, nothing after the wait.
    expect(cancelled.counts).toEqual({ members: 6, sent: 6, failed: 0, suppressed: 0, skipped: 0 });
    expect(cancelled.steps['first']).toEqual(step({ entered: 6, sent: 6 }));
    expect(cancelled.steps['hold']).toMatchObject({ entered: 6, waiting: 0 });
    expect(cancelled.steps['second']?.entered ?? 0).toBe(0);
    const deliveries = await runDeliveries(m, runId);
    expect(deliveries.map((d) => d.nodeId)).toEqual(Array.from({ length: 6 }, () => 'first'));
    const perCustomer = await pushesPerCustomer(m, customers);
    expect(perCustomer.size).toBe(6);
    for (const counts of perCustomer.values()) expect(counts).toEqual({ 'Before the wait': 1 });
  });
});

describe('cancelling a run while it sends', () => {
  // The workflow closes as cancelled at once (its run row says `cancelled` before it closes),
  // while the email activity in flight would hear of it only at its next heartbeat, seconds
  // later. Each page first reads the run's row, so the call in flight at the cancel is the
  // last: nothing reaches Postmark after the close, and the ledger records exactly what
  // Postmark accepted, nobody twice, nothing left `sending`.
  it('stops sending after the cancel and records exactly what Postmark accepted', async () => {
    const pm = postmark!;
    pm.reset();
    pm.latencyMs = 1_000; // ten calls of 500 take ten seconds: the step is in flight for long
    const m: Merchant = await createMerchant(file.app, 'Busy Café');
    const N = 5_000;
    await seedCustomers(file.stack.db, { merchantId: m.id, cardId: m.cardId }, N);
    const { runId } = await startRun(m, await publishedFlow(m, broadcastGraph({ email: { subject: 'Hi', body: 'Come by' } }), 'big mail'));

    // In flight: the first page recorded, far from all.
    const sending = await pollRun(m, runId, (r) => (r.steps['email']?.sent ?? 0) >= 500, 30_000);
    expect(sending.status).toBe('running');
    expect(sending.steps['email']?.sent).toBeLessThan(N);
    ok(await m.api.post(`/v1/runs/${runId}/cancel`), 202);
    const cancelled = await waitForStatus(file.app, m.key, runId, ['completed', 'failed', 'cancelled'], 30_000);
    expect(cancelled.status).toBe('cancelled');
    expect(await workflowStatus(runId)).toBe('CANCELLED');
    const atClose = pm.requests;

    // Until Postmark has heard nothing for 3 s (a heartbeat, a call and its recording).
    let last = pm.requests;
    let quietSince = Date.now();
    while (Date.now() - quietSince < 3_000) {
      await sleep(200);
      if (pm.requests !== last) [last, quietSince] = [pm.requests, Date.now()];
    }
    expect(pm.requests).toBe(atClose); // no call after the close: the page in flight was the last
    expect(pm.requests).toBeLessThan(N / 500); // stopped before the audience was done

    const accepted = pm.countsByRecipient();
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(accepted.size).toBe(pm.requests * 500); // every call accepted whole
    const deliveries = await runDeliveries(m, runId);
    expect(deliveries.every((d) => d.status === 'sent' && d.channel === 'email')).toBe(true);
    expect(deliveries.map((d) => d.customerEmail).sort()).toEqual([...accepted.keys()].sort());
    const report = ok(await m.api.get<RunReport>(`/v1/runs/${runId}`), 200);
    expect(report).toMatchObject({ status: 'cancelled', counts: { members: N, sent: accepted.size, failed: 0, skipped: 0, suppressed: 0 } });
    pm.latencyMs = 0;
  });
});
