/**
 * A first daily cohort (everyone lapsed when a win-back flow first runs: ~10,000 entries a
 * merchant) costs writes per entry, not reads. Two changes make each entry cheaper; the
 * primary key (flow, customer, entry key) that makes entering twice impossible stays.
 * Takes `Kysely<any>` and imports no app code.
 *
 * 1. `flow_entries` loses its foreign keys. Each was a trigger per inserted row (a lookup
 *    that takes a FOR KEY SHARE lock on the referenced customer, flow and run): two thirds of
 *    the insert's time. What they guarded is kept by the application:
 *    - customer and flow: entries are inserted by statements that select the customer (and
 *      the flow's version) in the same statement, and Stampflow deletes neither customers nor
 *      flows that have entries (a campaign's flow is deleted only when its own creation
 *      failed, before any entry). An entry left behind by a deletion made by hand is inert
 *      (nothing joins from an entry to a missing customer) and the retention job sweeps it.
 *    - run: a run row is deleted only when its start failed; the cohort batcher clears its
 *      entries' `run_id` first (as before), and a cohort is entered by the run's own
 *      snapshot, which locks the run row first (a run deleted before has no entries).
 * 2. Cohort entries (marked `cohort`) leave the by-run index `flow_entries_run`: only event
 *    runs read their entries by run (the batcher gives pending entries a run); a cohort is
 *    handed to its run's members by the statement that enters it.
 * 3. `customers_merchant_last_visit` carries the columns a win-back cohort needs (`id`,
 *    `joined_at`, `card_id`), so the cohort is read from the index alone instead of one heap
 *    page per customer (a merchant's customers are spread over the whole table).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const fk of ['flow_entries_customer_id_fkey', 'flow_entries_flow_id_fkey', 'flow_entries_run_id_fkey'])
    await sql`alter table flow_entries drop constraint if exists ${sql.id(fk)}`.execute(db);
  await sql`alter table flow_entries add column cohort boolean not null default false`.execute(db);
  await sql`drop index flow_entries_run`.execute(db);
  await sql`create index flow_entries_run on flow_entries (run_id) where not cohort`.execute(db);
  await sql`create index customers_merchant_last_visit_cohort on customers (merchant_id, last_visit_at) include (id, joined_at, card_id)`.execute(
    db,
  );
  await sql`drop index customers_merchant_last_visit`.execute(db);
  await sql`alter index customers_merchant_last_visit_cohort rename to customers_merchant_last_visit`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index flow_entries_run`.execute(db);
  await sql`alter table flow_entries drop column cohort`.execute(db);
  await sql`create index flow_entries_run on flow_entries (run_id)`.execute(db);
  await sql`drop index customers_merchant_last_visit`.execute(db);
  await sql`create index customers_merchant_last_visit on customers (merchant_id, last_visit_at)`.execute(db);
  await sql`delete from flow_entries e where not exists (select 1 from customers c where c.id = e.customer_id)
    or not exists (select 1 from flows f where f.id = e.flow_id)`.execute(db);
  await sql`update flow_entries e set run_id = null where run_id is not null and not exists (select 1 from runs r where r.id = e.run_id)`.execute(
    db,
  );
  await sql`alter table flow_entries add constraint flow_entries_customer_id_fkey foreign key (customer_id) references customers(id) on delete cascade`.execute(
    db,
  );
  await sql`alter table flow_entries add constraint flow_entries_flow_id_fkey foreign key (flow_id) references flows(id) on delete cascade`.execute(
    db,
  );
  await sql`alter table flow_entries add constraint flow_entries_run_id_fkey foreign key (run_id) references runs(id) on delete set null`.execute(
    db,
  );
}
