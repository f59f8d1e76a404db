/**
 * The editor's audience count of a win-back segment ("no visit for 30 days" and "email
 * consent", as every win-back email needs) read one heap page per matching customer: the
 * merchant + last-visit index had every column of the condition but `email_consent`, so
 * Postgres fetched each row to check it. A merchant's customers are spread over the whole
 * table: at 1,000,000 customers of 50 merchants the count of one merchant's ~14,000 lapsed
 * customers touched ~14,400 heap pages (EXPLAIN: Bitmap Heap Scan, `Heap Blocks: exact=14389`).
 *
 * `customers_merchant_last_visit` now also carries `email_consent`, so the count is an
 * index-only scan of the merchant's part of the index (~230 pages, no heap fetches once
 * vacuumed), like the win-back cohort that already reads from it alone. One index, not a
 * second narrow one: a visit changes `last_visit_at` and so writes this index anyway; a
 * second index would be one more write per visit. A bool adds 8 bytes per entry (alignment);
 * a consent change, which no index saw before, is no longer a HOT update (rare next to visits).
 * Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index customers_merchant_last_visit_consent on customers (merchant_id, last_visit_at) include (id, joined_at, card_id, email_consent)`.execute(
    db,
  );
  await sql`drop index customers_merchant_last_visit`.execute(db);
  await sql`alter index customers_merchant_last_visit_consent rename to customers_merchant_last_visit`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index customers_merchant_last_visit_cohort on customers (merchant_id, last_visit_at) include (id, joined_at, card_id)`.execute(
    db,
  );
  await sql`drop index customers_merchant_last_visit`.execute(db);
  await sql`alter index customers_merchant_last_visit_cohort rename to customers_merchant_last_visit`.execute(db);
}
