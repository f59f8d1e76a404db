/**
 * Migrations 022 and 023: `deliveries` and `run_step_members` lose their foreign key to
 * `runs` (a key check per written row), and the delivery key leads with the seq in place of
 * the index `deliveries_run_seq`; going down deletes rows left without their run and puts
 * the keys and the index back, cascading as before.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../engine/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const runKeys = async () =>
  (
    await sql<{ conname: string }>`select conname from pg_constraint
      where contype = 'f' and confrelid = 'runs'::regclass
        and conrelid in ('deliveries'::regclass, 'run_step_members'::regclass)
      order by conname`.execute(database.db)
  ).rows.map((r) => r.conname);

const deliveryIndexes = async () =>
  (
    await sql<{ def: string }>`select regexp_replace(indexdef, '^.* USING btree ', '') as def from pg_indexes
      where tablename = 'deliveries' and indexname in ('deliveries_pk', 'deliveries_run_seq') order by indexname`.execute(
      database.db,
    )
  ).rows.map((r) => r.def);

it('drops the run keys of the ledger and the members, keys deliveries by seq, and puts both back going down', async () => {
  const { db } = database;
  expect(await runKeys()).toEqual([]);
  expect(await deliveryIndexes()).toEqual(['(run_id, seq, node_id, channel)']);

  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0] as T;
  const { id: merchantId } = await one(
    sql<{ id: string }>`insert into merchants (name, timezone) values ('Café', 'UTC') returning id`,
  );
  const { id: flowId } = await one(
    sql<{ id: string }>`insert into flows (merchant_id, name, graph) values (${merchantId}, 'f', '{}') returning id`,
  );
  const { id: runId } = await one(
    sql<{ id: string }>`insert into runs (merchant_id, flow_id, version, workflow_id, status)
      values (${merchantId}, ${flowId}, 1, 'wf', 'completed') returning id`,
  );
  const gone = randomUUID(); // a run that is not there: accepted without the key
  for (const run of [runId, gone]) {
    await sql`insert into run_step_members (run_id, node_id, seq, customer_id) values (${run}, 'trigger', 1, ${randomUUID()})`.execute(
      db,
    );
    await sql`insert into deliveries (run_id, node_id, customer_id, channel, status, attempts, seq)
      values (${run}, 'push', ${randomUUID()}, 'push', 'sent', 1, 1)`.execute(db);
  }

  await migrateTo(db, '021-members-cover-customer');
  expect(await runKeys()).toEqual(['deliveries_run_id_fkey', 'run_step_members_run_id_fkey']);
  expect(await deliveryIndexes()).toEqual(['(run_id, node_id, channel, seq)', '(run_id, seq)']);
  const runsOf = async (table: 'deliveries' | 'run_step_members') =>
    (await db.selectFrom(table).select('run_id').execute()).map((r) => r.run_id);
  expect(await runsOf('deliveries')).toEqual([runId]);
  expect(await runsOf('run_step_members')).toEqual([runId]);
  // The keys cascade as they did before 022.
  await sql`delete from runs where id = ${runId}`.execute(db);
  expect(await runsOf('deliveries')).toEqual([]);
  expect(await runsOf('run_step_members')).toEqual([]);

  await migrateToLatest(db);
  expect(await runKeys()).toEqual([]);
  expect(await deliveryIndexes()).toEqual(['(run_id, seq, node_id, channel)']);
});
