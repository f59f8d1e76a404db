/**
 * Retention: what is left of a run once its per-member rows (members, pages, exits, waits
 * and its ledger rows in `deliveries`) are dropped, N days after it finished: its result's
 * counts, its steps' counts and its delivery counts, frozen when it was summarised. Takes
 * `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('run_summaries')
    .addColumn('run_id', 'uuid', (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull())
    // The result's counts at the trigger node (as `countOutcomes` counts one run).
    .addColumn('held', 'integer', (c) => c.notNull())
    .addColumn('converted', 'integer', (c) => c.notNull())
    .addColumn('held_converted', 'integer', (c) => c.notNull())
    // [{nodeId, got, cameBack}] per message step; [{nodeId, channel, status, count}] of the ledger.
    .addColumn('steps', 'jsonb', (c) => c.notNull())
    .addColumn('deliveries', 'jsonb', (c) => c.notNull())
    .addColumn('summarised_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The retention job's search: finished runs, oldest first.
  await sql`create index runs_finished on runs (finished_at) where finished_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index runs_finished`.execute(db);
  await db.schema.dropTable('run_summaries').execute();
}
