/**
 * Provider faults: the real Postmark client against the local Postmark server answering
 * 500, 429 and 503 to whole calls and 406/300 to single messages. No message is lost and
 * none is sent twice; final answers are recorded, not retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostmarkSender } from '../../engine/channels/email/postmark-sender';
import { startPostmarkServer, type PostmarkServer } from '../postmark-server';
import { broadcastGraph } from '../support/graphs';
import { deliveryCounts, retriedCustomers, startRun, waitForRun } from '../support/runs';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../support/seed';
import { DEFAULT_CHANNELS, startStack, type Stack } from '../support/stack';

const TOKEN = 'fault-test-token';
let postmark: PostmarkServer;
let stack: Stack;
let merchant: SeededMerchant;
const email = broadcastGraph({ email: { subject: 'Hello {{customer.name}}', body: 'Come by' } });

beforeAll(async () => {
  postmark = await startPostmarkServer({ token: TOKEN });
  stack = await startStack({
    ...DEFAULT_CHANNELS,
    emailSender: createPostmarkSender({ serverToken: TOKEN, apiUrl: postmark.url, timeoutMs: 2_000 }),
  });
  merchant = await seedMerchant(stack.db);
  await seedCustomers(stack.db, merchant, 1_200);
});
afterAll(async () => {
  await stack?.stop();
  await postmark?.close();
});

describe('email through Postmark', () => {
  it('retries 500, 429 and 503 answers without losing or doubling a message', async () => {
    postmark.reset();
    postmark.inactiveRecipients.add('c7@example.test');
    postmark.inactiveRecipients.add('c8@example.test');
    postmark.invalidRecipientPatterns.push(/^c9@/);
    postmark.passNext(1);
    postmark.failNext(1, 500);
    postmark.failNext(1, 429);
    postmark.failNext(1, 503);
    const run = await startRun(stack, merchant.merchantId, email);
    expect(await waitForRun(stack, run)).toBe('completed');

    expect(await deliveryCounts(stack, run.runId)).toEqual({
      'email:sent': 1_197,
      'email:suppressed': 2,
      'email:failed': 1,
    });
    const counts = postmark.countsByRecipient();
    expect(counts.size).toBe(1_197);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The three refused calls show as extra attempts in the ledger.
    expect((await retriedCustomers(stack, run.runId)).size).toBeGreaterThan(0);

    const failed = await stack.db
      .selectFrom('deliveries')
      .select(['reason'])
      .where('run_id', '=', run.runId)
      .where('status', '=', 'failed')
      .executeTakeFirstOrThrow();
    expect(failed.reason).toMatch(/^invalid_email/);
    // An inactive recipient is remembered and skipped by the next run without asking Postmark.
    const suppressions = await stack.db
      .selectFrom('suppressions')
      .select('email')
      .where('merchant_id', '=', merchant.merchantId)
      .orderBy('email')
      .execute();
    expect(suppressions.map((s) => s.email)).toEqual(['c7@example.test', 'c8@example.test']);
    postmark.reset();
    const again = await startRun(stack, merchant.merchantId, email);
    expect(await waitForRun(stack, again)).toBe('completed');
    expect(await deliveryCounts(stack, again.runId)).toMatchObject({ 'email:suppressed': 2 });
    expect(postmark.countsByRecipient().has('c7@example.test')).toBe(false);
  });

  it('fails the run on a refused server token and records why each message was not sent', async () => {
    const badStack = await startStack({
      ...DEFAULT_CHANNELS,
      emailSender: createPostmarkSender({ serverToken: 'wrong', apiUrl: postmark.url }),
    });
    try {
      const m = await seedMerchant(badStack.db);
      await seedCustomers(badStack.db, m, 20);
      const run = await startRun(badStack, m.merchantId, email);
      expect(await waitForRun(badStack, run)).toBe('failed');
      expect(await deliveryCounts(badStack, run.runId)).toEqual({ 'email:failed': 20 });
      const row = await badStack.db
        .selectFrom('deliveries')
        .select('reason')
        .where('run_id', '=', run.runId)
        .executeTakeFirstOrThrow();
      expect(row.reason).toBe('provider: Postmark rejected the server token');
      const runRow = await badStack.db
        .selectFrom('runs')
        .select(['status', 'error'])
        .where('id', '=', run.runId)
        .executeTakeFirstOrThrow();
      expect(runRow.error).toContain('Postmark rejected the server token');
    } finally {
      await badStack.stop();
    }
  });

  it('fails the run on a whole-call 422 after a sent page: the sent stay sent, the refused page and the pages after it are failed, nobody mailed twice or left unrecorded', async () => {
    // A merchant of its own (no suppressions from the tests above): 1,200 customers are
    // pages of 500, 500 and 200, one Postmark call each. The second call is refused as a whole.
    const own = await seedMerchant(stack.db, 'Refused Café');
    await seedCustomers(stack.db, own, 1_200);
    postmark.reset();
    postmark.passNext(1);
    postmark.failNext(1, 422);
    const run = await startRun(stack, own.merchantId, broadcastGraph({ email: { subject: 'Bad', body: 'x' } }));
    expect(await waitForRun(stack, run)).toBe('failed');

    // At the provider: the first call accepted 500, the second was refused before its body
    // was read (the stand-in records 0 messages for a refused call), no third call.
    expect(postmark.calls.map((c) => [c.path, c.messages, c.status])).toEqual([
      ['/email/batch', 500, 200],
      ['/email/batch', 0, 422],
    ]);
    const accepted = postmark.countsByRecipient();
    expect(accepted.size).toBe(500);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);

    // In the ledger: exactly the accepted are sent, the refused page failed with the
    // provider's reason, the page after it failed as not sent because of that refusal.
    expect(await deliveryCounts(stack, run.runId)).toEqual({ 'email:sent': 500, 'email:failed': 700 });
    const rows = await stack.db
      .selectFrom('deliveries')
      .innerJoin('customers', 'customers.id', 'deliveries.customer_id')
      .select(['customers.email', 'deliveries.status', 'deliveries.reason', 'deliveries.seq', 'deliveries.attempts'])
      .where('run_id', '=', run.runId)
      .execute();
    const sent = rows.filter((r) => r.status === 'sent');
    expect(sent.map((r) => r.email).sort()).toEqual([...accepted.keys()].sort());
    expect(sent.every((r) => r.seq <= 500 && r.attempts === 1)).toBe(true);
    const refusal = 'Postmark refused the request (ErrorCode 300): Invalid email request';
    const refused = rows.filter((r) => r.status === 'failed' && r.seq <= 1_000);
    expect(refused).toHaveLength(500);
    expect(refused.every((r) => r.seq > 500 && r.attempts === 1 && r.reason === `provider: ${refusal}`)).toBe(true);
    const unsent = rows.filter((r) => r.status === 'failed' && r.seq > 1_000);
    expect(unsent).toHaveLength(200);
    expect(new Set(unsent.map((r) => r.reason))).toEqual(
      new Set([`not sent: the provider refused an earlier call of this step (${refusal})`]),
    );
    const runRow = await stack.db
      .selectFrom('runs')
      .select(['status', 'error', 'member_count'])
      .where('id', '=', run.runId)
      .executeTakeFirstOrThrow();
    expect(runRow).toMatchObject({ status: 'failed', member_count: 1_200 });
    expect(runRow.error).toContain('Postmark refused the request (ErrorCode 300)');

    // Every member has exactly one email row: none doubled, none left without an answer.
    const members = await stack.db
      .selectFrom('run_step_members')
      .select(['customer_id', 'seq'])
      .where('run_id', '=', run.runId)
      .execute();
    expect(members).toHaveLength(1_200);
    const perCustomer = await stack.db
      .selectFrom('deliveries')
      .select(['customer_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('run_id', '=', run.runId)
      .where('channel', '=', 'email')
      .groupBy('customer_id')
      .execute();
    expect(perCustomer.every((r) => Number(r.n) === 1)).toBe(true);
    expect(perCustomer.map((r) => r.customer_id).sort()).toEqual(members.map((r) => r.customer_id).sort());
    const pages = await stack.db
      .selectFrom('run_step_pages')
      .select(['node_id', 'from_seq', 'entered'])
      .where('run_id', '=', run.runId)
      .orderBy('node_id')
      .orderBy('from_seq')
      .execute();
    // Every page of the step is counted, the refused one and the one after it too.
    expect(pages).toEqual([
      { node_id: 'email', from_seq: 1, entered: 500 },
      { node_id: 'email', from_seq: 501, entered: 500 },
      { node_id: 'email', from_seq: 1_001, entered: 200 },
      { node_id: 'trigger', from_seq: 1, entered: 1_200 },
    ]);
  });

  it('does not send again a batch Postmark accepted before its answer was lost: the retry finds it in Postmark\u2019s search', async () => {
    postmark.reset();
    postmark.acceptThenDrop(1, 'hang');
    const run = await startRun(
      stack,
      merchant.merchantId,
      broadcastGraph({ email: { subject: 'Timeout', body: 'x' } }),
    );
    expect(await waitForRun(stack, run)).toBe('completed');
    // (the two inactive recipients of the first test stay suppressed)
    expect(await deliveryCounts(stack, run.runId)).toEqual({ 'email:sent': 1_198, 'email:suppressed': 2 });
    // The fault hit: the first batch was accepted and its answer never came.
    expect(postmark.calls[0]).toMatchObject({ path: '/email/batch', status: 'dropped' });
    // At Postmark: nobody got it twice.
    expect([...postmark.countsByRecipient()].filter(([, n]) => n > 1)).toEqual([]);
    // The retry asked Postmark's search, and recorded the lost batch with the ids Postmark gave.
    expect(postmark.calls.filter((c) => c.path === '/messages/outbound').length).toBeGreaterThanOrEqual(1);
    const reconciled = await stack.db
      .selectFrom('deliveries')
      .innerJoin('customers', 'customers.id', 'deliveries.customer_id')
      .select(['customers.email', 'deliveries.provider_message_id'])
      .where('run_id', '=', run.runId)
      .where('attempts', '=', 2)
      .execute();
    expect(reconciled.length).toBeGreaterThan(490);
    expect(reconciled.length).toBeLessThanOrEqual(500);
    const idOf = new Map(postmark.sent.map((m) => [m.To.toLowerCase(), m.MessageID]));
    for (const r of reconciled) expect(r.provider_message_id).toBe(idOf.get(String(r.email).toLowerCase()));
  });

  it('settles a hung batch call from Postmark\u2019s search after 2 s instead of waiting out the 10 s timeout: sent once, with Postmark\u2019s ids', async () => {
    // A sender whose call timeout (10 s) is well beyond the 2 s after which a pending call
    // counts as stuck, so the engine may ask the search while the call still hangs.
    const slowStack = await startStack({
      ...DEFAULT_CHANNELS,
      emailSender: createPostmarkSender({ serverToken: TOKEN, apiUrl: postmark.url, timeoutMs: 10_000 }),
    });
    try {
      const m = await seedMerchant(slowStack.db, 'Hung Call Café');
      await seedCustomers(slowStack.db, m, 600); // pages of 500 and 100
      postmark.reset();
      postmark.acceptThenDrop(1, 'hang'); // the first batch: accepted, never answered
      const started = Date.now();
      const run = await startRun(slowStack, m.merchantId, broadcastGraph({ email: { subject: 'Stuck', body: 'x' } }));
      expect(await waitForRun(slowStack, run)).toBe('completed');
      const elapsedMs = Date.now() - started;
      // The hung call did not hold its page for the call's 10 s timeout (margin for a loaded machine).
      expect(elapsedMs).toBeLessThan(8_000);

      // The fault hit, and the engine asked Postmark's search while the call was pending.
      expect(postmark.calls[0]).toMatchObject({ path: '/email/batch', status: 'dropped' });
      expect(postmark.calls.filter((c) => c.path === '/messages/outbound').length).toBeGreaterThanOrEqual(1);
      // Nothing was resent: every customer got exactly one email at Postmark.
      const counts = postmark.countsByRecipient();
      expect(counts.size).toBe(600);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);

      // The ledger: everyone sent once, with the message id Postmark gave.
      expect(await deliveryCounts(slowStack, run.runId)).toEqual({ 'email:sent': 600 });
      const rows = await slowStack.db
        .selectFrom('deliveries')
        .innerJoin('customers', 'customers.id', 'deliveries.customer_id')
        .select(['customers.email', 'deliveries.provider_message_id', 'deliveries.attempts'])
        .where('run_id', '=', run.runId)
        .execute();
      expect(rows).toHaveLength(600);
      const idOf = new Map(postmark.sent.map((msg) => [msg.To.toLowerCase(), msg.MessageID]));
      for (const r of rows) {
        expect(r.attempts).toBe(1);
        expect(r.provider_message_id).not.toBeNull();
        expect(r.provider_message_id).toBe(idOf.get(String(r.email).toLowerCase()));
      }
    } finally {
      await slowStack.stop();
    }
  });

  it('resends and counts the repeats when Postmark\u2019s search cannot answer', async () => {
    postmark.reset();
    postmark.acceptThenDrop(1, 'hang'); // the first batch: accepted, answer lost
    postmark.failNext(1, 503); // the retry's search
    const run = await startRun(
      stack,
      merchant.merchantId,
      broadcastGraph({ email: { subject: 'No search', body: 'x' } }),
    );
    expect(await waitForRun(stack, run)).toBe('completed');
    expect(await deliveryCounts(stack, run.runId)).toEqual({ 'email:sent': 1_198, 'email:suppressed': 2 });
    expect(postmark.calls.slice(0, 2)).toMatchObject([
      { path: '/email/batch', status: 'dropped' },
      { path: '/messages/outbound', status: 503 },
    ]);
    const repeated = [...postmark.countsByRecipient()].filter(([, n]) => n > 1).map(([to]) => to);
    // The lost answer covered one batch: those customers were mailed twice, and the ledger
    // says so (a second attempt), which is what the run's history shows.
    expect(repeated.length).toBeGreaterThan(490);
    expect(repeated.length).toBeLessThanOrEqual(500);
    const secondAttempts = await stack.db
      .selectFrom('deliveries')
      .innerJoin('customers', 'customers.id', 'deliveries.customer_id')
      .select('customers.email')
      .where('run_id', '=', run.runId)
      .where('attempts', '=', 2)
      .execute();
    expect(secondAttempts.map((r) => r.email).sort()).toEqual(repeated.sort());
  });
});
