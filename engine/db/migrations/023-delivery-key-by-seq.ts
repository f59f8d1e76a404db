/**
 * The delivery key leads with the member's seq: (run_id, seq, node_id, channel), and the
 * index `deliveries_run_seq` (run_id, seq), which only ever served what the key now serves,
 * goes. Every delivery wrote six index entries, now five: on a broadcast's push and email
 * pages about 8% of the database's page work (measured on 50,000 members: 32.7 → 30.0 ms
 * per page of push, email read and email record).
 *
 * What each kind of lookup reads now:
 * - One member's message (run, node, channel, seq all given): one key entry, as before.
 * - A run's deliveries in order (`GET /v1/runs/:id/deliveries`: by seq, node, channel):
 *   the key's own order, where the old index needed its rows sorted within each seq.
 * - A page of one step (a seq range and the step): the range's entries of every step of the
 *   run, each step's rows beside its neighbours' (a broadcast's email page reads its 500
 *   push entries too) instead of the step's alone.
 *
 * The key is rebuilt under an exclusive lock on `deliveries` (seconds per million rows):
 * run it when no run is under way. Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries drop constraint deliveries_pk,
    add constraint deliveries_pk primary key (run_id, seq, node_id, channel)`.execute(db);
  await sql`drop index deliveries_run_seq`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index deliveries_run_seq on deliveries (run_id, seq)`.execute(db);
  await sql`alter table deliveries drop constraint deliveries_pk,
    add constraint deliveries_pk primary key (run_id, node_id, channel, seq)`.execute(db);
}
