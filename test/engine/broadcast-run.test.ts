/**
 * A broadcast run end to end on the real Postgres server and the real Temporal dev
 * server, with email going to the built-in outbox (no Postmark token).
 */
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { deliveryCounts, startRun, waitForRun } from '../support/runs';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../support/seed';
import { startStack, workflowBundle, type Stack } from '../support/stack';

let stack: Stack;
let merchant: SeededMerchant;

beforeAll(async () => {
  stack = await startStack();
  merchant = await seedMerchant(stack.db);
  // 1,000 card holders: every 10th has no email, every 10th (offset 5) no consent.
  await seedCustomers(stack.db, merchant, 1_000, {
    email: (i) => (i % 10 === 0 ? null : `c${i}@example.test`),
    consent: (i) => i % 10 !== 5,
  });
});
afterAll(async () => stack?.stop());

describe('a broadcast run', () => {
  it('pushes to every card holder and emails exactly those who can be mailed', async () => {
    const graph = broadcastGraph({
      voucher: { title: 'Free cookie', validDays: 14 },
      push: "Coffee's waiting ☕",
      email: {
        subject: 'Hi {{customer.name}}',
        body: 'Your code: {{voucher.code}}. {{stampsLeft}} stamps to go on your {{card.name}}.',
      },
    });
    const run = await startRun(stack, merchant.merchantId, graph);
    expect(await waitForRun(stack, run)).toBe('completed');

    expect(await deliveryCounts(stack, run.runId)).toEqual({
      'push:sent': 1_000,
      'email:sent': 800,
      'email:skipped': 200,
    });
    const skipped = await stack.db
      .selectFrom('deliveries')
      .select(['reason', (eb) => eb.fn.countAll<number>().as('n')])
      .where('run_id', '=', run.runId)
      .where('status', '=', 'skipped')
      .groupBy('reason')
      .orderBy('reason')
      .execute();
    expect(skipped.map((r) => [r.reason, Number(r.n)])).toEqual([
      ['no_consent', 100],
      ['no_email', 100],
    ]);

    const vouchers = await stack.db
      .selectFrom('vouchers')
      .select(['code', 'customer_id'])
      .where('run_id', '=', run.runId)
      .execute();
    expect(vouchers).toHaveLength(1_000);
    expect(new Set(vouchers.map((v) => v.code)).size).toBe(1_000);

    // Every pass carries the message and its voucher (the voucher step moved the update tag
    // once, the push once more); each email shows that customer's code.
    const passes = await stack.db
      .selectFrom('passes')
      .select(['customer_id', 'message', 'voucher_code', 'update_tag'])
      .execute();
    const codeOf = new Map(vouchers.map((v) => [v.customer_id, v.code]));
    for (const p of passes) {
      expect(p).toMatchObject({ message: "Coffee's waiting ☕", voucher_code: codeOf.get(p.customer_id) });
      expect(Number(p.update_tag)).toBeGreaterThan(0);
    }
    const emails = await stack.db
      .selectFrom('outbox')
      .select(['recipient', 'body', 'payload'])
      .where('channel', '=', 'email')
      .execute();
    expect(emails).toHaveLength(800);
    const sample = emails.find((e) => e.recipient === 'c1@example.test');
    expect(sample?.body).toMatch(
      /^Your code: SF-[A-Z2-9]{4}-[A-Z2-9]{4}\. 9 stamps to go on your Coffee card\.\n\n-- \n/,
    );

    const row = await stack.db.selectFrom('runs').selectAll().where('id', '=', run.runId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', member_count: 1_000 });
    expect(row.finished_at).not.toBeNull();
  });

  it('reaches only the holders of the chosen card', async () => {
    const other = await stack.db
      .insertInto('cards')
      .values({ merchant_id: merchant.merchantId, name: 'Bakery card', stamps_required: 8, reward: 'Free bread' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await seedCustomers(stack.db, { merchantId: merchant.merchantId, cardId: other.id }, 30);
    const run = await startRun(stack, merchant.merchantId, broadcastGraph({ cardId: other.id, push: 'Fresh bread!' }));
    expect(await waitForRun(stack, run)).toBe('completed');
    expect(await deliveryCounts(stack, run.runId)).toEqual({ 'push:sent': 30 });
  });

  it("replays a finished run's history with today's workflow code (determinism)", async () => {
    const run = await startRun(
      stack,
      merchant.merchantId,
      broadcastGraph({ push: 'Replay me', waitSeconds: 1, email: { subject: 'Hi', body: 'x' } }),
    );
    expect(await waitForRun(stack, run)).toBe('completed');
    const history = await stack.client.workflow.getHandle(run.workflowId).fetchHistory();
    // Small history whatever the audience size: members live in Postgres, not in events
    // (1,000 members; a wait records its start and end, the quiet-hours check precedes sends).
    expect(history.events?.length ?? 0).toBeLessThan(100);
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, run.workflowId),
    ).resolves.toBeUndefined();
  });
});
