/**
 * A snapshot that takes longer than the run's heartbeat timeout (5 s), as a million card
 * holders do, is one attempt: the activity heartbeats while its statement runs, so Temporal
 * does not give up on it and start a retry that would only wait on its lock.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { deliveryCounts, startRun, waitForRun } from '../support/runs';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../support/seed';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
let merchant: SeededMerchant;

beforeAll(async () => {
  stack = await startStack();
  merchant = await seedMerchant(stack.db);
  await seedCustomers(stack.db, merchant, 50);
});
afterAll(async () => stack?.stop());

describe('the audience snapshot', () => {
  it('is taken in one attempt when it takes longer than the heartbeat timeout', async () => {
    // Another session holds the members table for 7 s, so the snapshot's insert waits that long.
    const run = await stack.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`lock table run_step_members in share mode`.execute(conn);
      const started = await startRun(stack, merchant.merchantId, broadcastGraph({ push: 'Slow start' }));
      await new Promise((r) => setTimeout(r, 7_000));
      await sql`commit`.execute(conn);
      return started;
    });
    expect(await waitForRun(stack, run)).toBe('completed');
    expect(await deliveryCounts(stack, run.runId)).toEqual({ 'push:sent': 50 });

    const { runs } = await stack.launcher.history(run.workflowId);
    const events = runs.flatMap((r) => r.events);
    const scheduled = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'snapshotAudience',
    );
    expect(scheduled).toBeDefined();
    const started = events.find(
      (e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(scheduled?.eventId ?? ''),
    );
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(1);
  }, 60_000);
});
