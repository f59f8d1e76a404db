/**
 * The outbox push page (no wallet credentials): its delivery row is the captured push, so a
 * retried page must find its rows and change nothing: no second row, no second pass change.
 * Runs the real statement on the real Postgres server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushStep } from '../../engine/compiler/plan';
import { createTestDatabase } from '../../test/support/database';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { plainStepContext, snapshottedRun } from '../../test/support/snapshotted-run';
import { pushOutboxPage } from './push';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let merchant: SeededMerchant;
const step: PushStep = { kind: 'push', id: 'push', text: 'Coffee?', next: { next: [] } };

beforeAll(async () => {
  database = await createTestDatabase();
  merchant = await seedMerchant(database.db);
  await seedCustomers(database.db, merchant, 20);
});
afterAll(async () => database?.drop());

const newRun = () => snapshottedRun(database.db, merchant.merchantId);

const ctx = () => plainStepContext(database.db, merchant.merchantId);

const passTags = async () =>
  (await database.db.selectFrom('passes').select(['customer_id', 'update_tag']).execute())
    .map((p) => `${p.customer_id}:${p.update_tag}`)
    .sort();

describe('pushOutboxPage', () => {
  it('writes one delivery per member, with the voucher it carried, and a retried page changes nothing', async () => {
    const runId = await newRun();
    const someone = await database.db
      .selectFrom('run_step_members')
      .select('customer_id')
      .where('run_id', '=', runId)
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('vouchers')
      .values({
        merchant_id: merchant.merchantId,
        customer_id: someone.customer_id,
        run_id: runId,
        node_id: 'voucher',
        code: 'SF-TEST-0003',
        title: 'Muffin',
        expires_at: new Date(Date.now() + 86_400_000),
      })
      .execute();
    const page = { runId, group: { nodeId: 'trigger', outcome: null }, range: { from: 1, to: 21 } };

    expect(await pushOutboxPage(ctx(), step, page)).toEqual({ entered: 20, runStatus: 'running' });
    const tags = await passTags();
    // A retry of the same page (the activity's answer was lost): nothing is claimed or changed.
    expect(await pushOutboxPage(ctx(), step, page)).toEqual({ entered: 20, runStatus: 'running' });

    const rows = await database.db
      .selectFrom('deliveries')
      .select(['customer_id', 'status', 'provider_message_id', 'voucher_code'])
      .where('run_id', '=', runId)
      .execute();
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === 'sent' && /^outbox:[0-9a-f-]{36}$/.test(r.provider_message_id ?? ''))).toBe(
      true,
    );
    expect(rows.filter((r) => r.voucher_code !== null)).toEqual([
      expect.objectContaining({ customer_id: someone.customer_id, voucher_code: 'SF-TEST-0003' }),
    ]);
    expect(await passTags()).toEqual(tags);
    // The pass carries the message and the voucher; nothing else is written per push.
    const pass = await database.db
      .selectFrom('passes')
      .select(['message', 'voucher_code'])
      .where('customer_id', '=', someone.customer_id)
      .executeTakeFirstOrThrow();
    expect(pass).toEqual({ message: 'Coffee?', voucher_code: 'SF-TEST-0003' });
    expect(await database.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it("names a customer's next open voucher in a run that issued none (an expiry reminder), never a redeemed one", async () => {
    const earlier = await newRun();
    const [open, used] = await database.db
      .selectFrom('run_step_members')
      .select('customer_id')
      .where('run_id', '=', earlier)
      .where('seq', 'in', [5, 6])
      .orderBy('seq')
      .execute();
    const voucher = (customerId: string, code: string, redeemedAt: Date | null) => ({
      merchant_id: merchant.merchantId,
      customer_id: customerId,
      run_id: earlier,
      node_id: 'voucher',
      code,
      title: 'Muffin',
      expires_at: new Date(Date.now() + 86_400_000),
      redeemed_at: redeemedAt,
    });
    await database.db
      .insertInto('vouchers')
      .values([voucher(open!.customer_id, 'SF-OPEN-0005', null), voucher(used!.customer_id, 'SF-USED-0006', new Date())])
      .execute();

    const runId = await newRun();
    const page = { runId, group: { nodeId: 'trigger', outcome: null }, range: { from: 1, to: 21 } };
    await pushOutboxPage(ctx(), step, page);
    const named = await database.db
      .selectFrom('deliveries')
      .select(['customer_id', 'voucher_code'])
      .where('run_id', '=', runId)
      .where('voucher_code', 'is not', null)
      .execute();
    // (The first test's voucher is open too, and named to its customer as well.)
    expect(named).toContainEqual({ customer_id: open!.customer_id, voucher_code: 'SF-OPEN-0005' });
    expect(named.map((n) => n.customer_id)).not.toContain(used!.customer_id);
  });
});
