/**
 * The two tables a run writes per member, `run_step_members` (its snapshot and each segment's
 * outcomes) and `deliveries` (one row per message), lose their foreign key to `runs`. Each
 * key is a trigger per inserted row that looks the run up and locks its row (FOR KEY SHARE;
 * with a run's pages written by several activities at once, shared by several transactions):
 * on 50,000 members, 45% of the snapshot's time (440 → 230 ms) and 15% of each push and
 * email page's. The broadcast writes three such rows per recipient.
 *
 * What the keys guarded is kept by the application, as for `flow_entries` (migration 017):
 * - Rows are written only for a run that exists: a snapshot locks its run's row first, and
 *   every page of a step is written by its run's activities, which start after the run row
 *   and stop when it is no longer live.
 * - A run row is deleted only when its workflow never started (`deleteRuns` in
 *   `engine/runs/run-row.ts`), which deletes its members and deliveries in the same
 *   transaction; the retention job deletes old runs' deliveries by run itself. Runs are
 *   otherwise never deleted.
 *
 * Going down deletes rows left without their run (there should be none) and adds the keys
 * back (a scan of both tables, under a lock that blocks writes to them).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries drop constraint if exists deliveries_run_id_fkey`.execute(db);
  await sql`alter table run_step_members drop constraint if exists run_step_members_run_id_fkey`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['deliveries', 'run_step_members']) {
    await sql`delete from ${sql.table(table)} t where not exists (select 1 from runs r where r.id = t.run_id)`.execute(
      db,
    );
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_run_id_fkey`)}
      foreign key (run_id) references runs(id) on delete cascade`.execute(db);
  }
}
