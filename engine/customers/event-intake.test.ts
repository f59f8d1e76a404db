/**
 * The intake on a real database: one merchant's batch requests, posted all at once, hold at
 * most two transactions at a time, are merged while they fit one batch (a request is never
 * split), answer each request with its own events in order, and survive a merged batch
 * that fails as a whole.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../db/database';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { createEventIntake, INTAKE_IN_FLIGHT } from './event-intake';
import type { EventInput } from './events';

let database: TestDatabase;
let m: SeededMerchant;
let customers: string[];
beforeAll(async () => {
  database = await createTestDatabase();
  m = await seedMerchant(database.db, 'Intake Café');
  await seedCustomers(database.db, m, 1_200, { stamps: () => 0 });
  customers = (
    await database.db.selectFrom('customers').select('id').where('merchant_id', '=', m.merchantId).orderBy('id').execute()
  ).map((r) => r.id);
});
afterAll(() => database?.drop());

/** The database, counting the transactions open at once (and failing the `failAt`th, counting from 1). */
function counting(db: Db, failAt = 0) {
  const seen = { open: 0, most: 0, started: 0 };
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'transaction') return Reflect.get(target, prop, receiver) as unknown;
      return () => {
        const builder = target.transaction();
        return {
          execute: async <T>(fn: Parameters<typeof builder.execute<T>>[0]): Promise<T> => {
            seen.open++;
            seen.most = Math.max(seen.most, seen.open);
            try {
              if (++seen.started === failAt) throw new Error('the database went away for a moment');
              return await builder.execute(fn);
            } finally {
              seen.open--;
            }
          },
        };
      };
    },
  });
  return { db: wrapped, seen };
}

const stamp = (customerId: string): EventInput => ({ customer: { id: customerId }, type: 'stamp', at: new Date() });

/** Requests of `size` stamps each, over the customers from `first` on. */
function requests(count: number, size: number, first: number): EventInput[][] {
  return Array.from({ length: count }, (_, r) =>
    Array.from({ length: size }, (_, i) => stamp(customers[first + r * size + i]!)),
  );
}

/** The transactions (by their start, the events' `created_at`) that recorded these events. */
async function transactionsOf(eventIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await database.db.selectFrom('events').select(['id', 'created_at']).where('id', 'in', eventIds).execute();
  return new Map(rows.map((r) => [r.id, r.created_at.getTime()]));
}

it('records a merchant’s batches two transactions at a time, merged, each request answered with its own events', async () => {
  const { db, seen } = counting(database.db);
  const intake = createEventIntake(db);
  const sent = requests(20, 10, 0);
  const answers = await Promise.all(sent.map((events) => intake.recordMany(m.merchantId, events)));

  expect(seen.most).toBe(INTAKE_IN_FLIGHT);
  // The first two requests start at once; the eighteen that queued behind them fit one batch.
  expect(seen.started).toBe(3);
  // Each request's answers are its own events, in the order sent.
  answers.forEach((results, r) => {
    expect(results.map((x) => (x.ok ? x.customerId : x.code))).toEqual(sent[r]!.map((e) => ('id' in e.customer ? e.customer.id : '')));
  });
  // A request's events share one transaction.
  const ids = answers.flat().map((x) => (x.ok ? x.id : ''));
  const started = await transactionsOf(ids);
  expect(started.size).toBe(200);
  for (const results of answers) expect(new Set(results.map((x) => (x.ok ? started.get(x.id) : -1))).size).toBe(1);
});

it('never splits a request to fill a batch: two of 600 events are two transactions', async () => {
  const { db, seen } = counting(database.db);
  const intake = createEventIntake(db);
  const sent = requests(2, 600, 0);
  const answers = await Promise.all(sent.map((events) => intake.recordMany(m.merchantId, events)));
  expect(seen.started).toBe(2);
  expect(answers.map((a) => a.length)).toEqual([600, 600]);
  const started = await transactionsOf(answers.flat().map((x) => (x.ok ? x.id : '')));
  for (const results of answers) expect(new Set(results.map((x) => (x.ok ? started.get(x.id) : -1))).size).toBe(1);
});

it('records each request on its own when a merged batch fails as a whole', async () => {
  // Two requests start at once; the four queued behind them are merged into the third
  // transaction, which fails: each of the four is then recorded alone.
  const { db, seen } = counting(database.db, 3);
  const intake = createEventIntake(db);
  const sent = requests(6, 10, 1_100);
  const answers = await Promise.all(sent.map((events) => intake.recordMany(m.merchantId, events)));
  expect(answers.flat().every((x) => x.ok && !x.duplicate)).toBe(true);
  expect(seen.started).toBe(3 + 4);
  const rows = await database.db
    .selectFrom('events')
    .select('customer_id')
    .where('id', 'in', answers.flat().map((x) => (x.ok ? x.id : '')))
    .execute();
  expect(rows).toHaveLength(60);
});
