/**
 * Reading an email page (`loadEmails`) on the real Postgres server: what the ledger already
 * has of each member decides who is sent to, and the lookup costs one probe per member,
 * however many rows the run's other steps wrote for the same seqs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { EmailStep, PushStep } from '../../engine/compiler/plan';
import { recordOnce } from '../../engine/deliveries/ledger';
import { createTestDatabase } from '../../test/support/database';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { plainStepContext, snapshottedRun } from '../../test/support/snapshotted-run';
import { loadEmails } from './email-recipients';
import { pushOutboxPage } from './push';

const PAGE = 500;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let merchant: SeededMerchant;
const push: PushStep = { kind: 'push', id: 'push', text: 'Coffee?', next: { next: [] } };
const email: EmailStep = { kind: 'email', id: 'email', subject: 'Hi', body: 'Coffee?', next: { next: [] } };

beforeAll(async () => {
  database = await createTestDatabase();
  merchant = await seedMerchant(database.db);
  await seedCustomers(database.db, merchant, PAGE);
});
afterAll(async () => database?.drop());

describe('loadEmails', () => {
  it('sends to members without a row and to its own earlier claims, and probes each member once', async () => {
    const db = database.db;
    const runId = await snapshottedRun(db, merchant.merchantId);
    const page = { runId, group: { nodeId: 'trigger', outcome: null }, range: { from: 1, to: PAGE + 1 } };
    // The push step before it wrote a row for every seq of the page.
    await pushOutboxPage(plainStepContext(db, merchant.merchantId), push, page);
    const members = await db
      .selectFrom('run_step_members')
      .select(['seq', 'customer_id'])
      .where('run_id', '=', runId)
      .orderBy('seq')
      .execute();
    expect(members).toHaveLength(PAGE);
    const bySeq = (seq: number) => members[seq - 1]!.customer_id;
    // The first half of the page is final already; two rows are left `sending` by claims.
    const key = { runId, nodeId: email.id, channel: 'email' as const };
    await recordOnce(
      db,
      key,
      members.slice(0, PAGE / 2).map((m) => ({ seq: m.seq, customerId: m.customer_id, status: 'sent' as const })),
    );
    const claimKey = plainStepContext(db, merchant.merchantId).claimKey;
    for (const [seq, by] of [
      [300, claimKey],
      [301, 'another-activity/1'],
    ] as const) {
      await db
        .insertInto('deliveries')
        .values({
          run_id: runId,
          node_id: email.id,
          channel: 'email',
          customer_id: bySeq(seq),
          seq,
          status: 'sending',
          claim_key: by,
          attempts: 1,
          updated_at: new Date(),
        })
        .execute();
    }

    await db.transaction().execute(async (tx) => {
      const loaded = await loadEmails(plainStepContext(tx, merchant.merchantId), email, page);
      expect(loaded.recipients).toHaveLength(PAGE);
      expect(loaded.runStatus).toBe('running');
      const expected = members.filter((m) => m.seq > PAGE / 2 && m.seq !== 301).map((m) => m.customer_id);
      expect([...loaded.todo].sort()).toEqual(expected.sort());
      expect([...loaded.claimedBefore]).toEqual([bySeq(300)]);
      // Index entries the read went through on `deliveries`, in this transaction: one probe
      // per member finds at most its own row. A scan per member of the page's seq range
      // (push and email rows) or of the step's rows goes through a hundred thousand.
      const { rows } = await sql<{ read: string }>`
        select coalesce(sum(pg_stat_get_xact_tuples_returned(indexrelid)), 0) as read
        from pg_index where indrelid = 'deliveries'::regclass`.execute(tx);
      expect(Number(rows[0]!.read)).toBeLessThanOrEqual(2 * PAGE);
    });
  });
});
