/**
 * A run's members counted from the index alone. The run's results (`countRun`: how many of
 * its members came back) read every member of the run with its `customer_id`. With the key
 * alone (`run_id, node_id, seq`) each member is a heap visit, and Postgres cannot see that a
 * run's rows sit together in the heap (run ids are random), so it costs them as pages read
 * at random: once one run was more than ~10% of the table — a busy merchant's run after the
 * retention job deleted half of its history — the planner took a parallel full scan of
 * `run_step_members` instead, whose cost is every run kept and every page the job emptied
 * (the `results` bench at 50,000 members: 5,944 buffers after the job against 776 without
 * history; 1.5–3.3× slower). Carrying
 * `customer_id` in the key (INCLUDE: stored in the leaf, not part of uniqueness) makes the
 * run's members an index-only range scan that costs the run's own entries (the table is
 * insert-only, so autovacuum keeps its pages all-visible), and the planner keeps it until the
 * run is about 30% of the table (measured with the default `random_page_cost` 4; at 1.1, as
 * on SSDs, beyond 45%). No new index, so a snapshot writes the same index entries as before,
 * each 16 bytes wider (a freshly built key: 29 → 39 MB for 600,000 members).
 *
 * The key is rebuilt under an exclusive lock on `run_step_members` (seconds per million
 * rows): run it when no run is under way. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table run_step_members drop constraint run_step_members_pk,
    add constraint run_step_members_pk primary key (run_id, node_id, seq) include (customer_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table run_step_members drop constraint run_step_members_pk,
    add constraint run_step_members_pk primary key (run_id, node_id, seq)`.execute(db);
}
