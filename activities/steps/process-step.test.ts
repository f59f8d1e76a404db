/**
 * A retried step activity resumes after the pages its earlier attempt finished, carrying
 * the outcome counts forward, so the workflow never mistakes a branch for empty. Runs the
 * real step code in Temporal's mock activity context on the real Postgres server.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentStep } from '../../engine/compiler/plan';
import { createTestDatabase } from '../../test/support/database';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { plainStepContext, snapshottedRun } from '../../test/support/snapshotted-run';
import { processStepRange, type OutcomeCounts } from './process-step';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let merchant: SeededMerchant;
const step: SegmentStep = {
  kind: 'segment',
  id: 'seg',
  match: 'all',
  conditions: [{ field: 'stamps', op: 'gte', value: 5 }],
  next: { match: [], else: [] },
};

beforeAll(async () => {
  database = await createTestDatabase();
  merchant = await seedMerchant(database.db);
  await seedCustomers(database.db, merchant, 1_000, { stamps: (i) => i % 10 }); // half have ≥ 5
});
afterAll(async () => database?.drop());

const newRun = () => snapshottedRun(database.db, merchant.merchantId);

const ctx = () => plainStepContext(database.db, merchant.merchantId);
const run = (runId: string, heartbeatDetails?: unknown): Promise<OutcomeCounts> =>
  new MockActivityEnvironment({ heartbeatDetails }).run(() =>
    processStepRange(ctx(), { runId, group: { nodeId: 'trigger', outcome: null } }, step, { from: 1, to: 1_001 }),
  );

describe('processStepRange', () => {
  it('decides every member of the range and counts each outcome', async () => {
    const runId = await newRun();
    expect(await run(runId)).toEqual({ match: 500, else: 500 });
  });

  it('resumes after the pages a failed attempt finished, with that attempt’s counts', async () => {
    const runId = await newRun();
    // The earlier attempt heartbeated after its first page: seqs 1..500 done, these counts.
    const counts = await run(runId, { nextSeq: 501, counts: { match: 1, else: 2 } });
    expect((counts.match ?? 0) + (counts.else ?? 0)).toBe(3 + 500);
    const pages = await database.db
      .selectFrom('run_step_pages')
      .select('from_seq')
      .where('run_id', '=', runId)
      .where('node_id', '=', 'seg')
      .execute();
    expect(pages.map((p) => p.from_seq)).toEqual([501]);
  });

  it('ignores heartbeat details that do not fit the range', async () => {
    const runId = await newRun();
    expect(await run(runId, { nextSeq: 5_000, counts: {} })).toEqual({ match: 500, else: 500 });
  });
});
