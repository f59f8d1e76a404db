/**
 * A customer's email consent: the current state on the customer (`email_consent`, with
 * `unsubscribed_at` when they opted out themselves or through their mail provider) and
 * every change as history in `consent_events`, with its source and time.
 *
 * Who may change what: the customer (unsubscribe and resubscribe links), their mail
 * provider (a spam complaint, a subscription change) and the merchant (`POST …/consent`).
 * An import may record consent for new customers and changes for others, but never
 * re-grants consent to someone who unsubscribed: a re-imported old list must not undo an
 * opt-out.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { ConsentSource, ConsentState } from '../db/schema';

/** Sources by which a customer (or their provider) opted out: the skip reason is then `unsubscribed`. */
const OPT_OUT_SOURCES: readonly ConsentSource[] = [
  'unsubscribe_link',
  'provider_complaint',
  'provider_subscription_change',
];

export interface ConsentItem {
  readonly state: ConsentState;
  readonly source: ConsentSource;
  readonly at: Date;
}

/**
 * Sets the consent of the merchant's customers and records each real change (a customer
 * whose state does not change gets no history row, except an opt-out of someone who had
 * never agreed, which is recorded: it matters why they get no mail). Answers the ids changed.
 *
 * @example
 * await changeConsent(db, merchantId, [customerId], { state: 'withdrawn', source: 'unsubscribe_link' });
 */
export async function changeConsent(
  db: Db,
  merchantId: string,
  customerIds: readonly string[],
  change: { readonly state: ConsentState; readonly source: ConsentSource },
): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const granted = change.state === 'granted';
  const optOut = !granted && OPT_OUT_SOURCES.includes(change.source);
  const { rows } = await sql<{ id: string }>`
    with changed as (
      update customers c set
        email_consent = ${granted},
        unsubscribed_at = case when ${granted} then null when ${optOut} then coalesce(c.unsubscribed_at, now()) else c.unsubscribed_at end,
        updated_at = now()
      where c.merchant_id = ${merchantId} and c.id = any(${[...customerIds]}::uuid[])
        and (c.email_consent is distinct from ${granted} or (${optOut} and c.unsubscribed_at is null))
      returning c.id
    ), recorded as (
      insert into consent_events (merchant_id, customer_id, state, source)
      select ${merchantId}, id, ${change.state}, ${change.source} from changed
    )
    select id from changed`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * After an import wrote these customers: records their consent where it differs from the
 * last recorded state (a new customer's first state, or a change the import made).
 */
export async function recordImportedConsent(db: Db, merchantId: string, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await sql`
    insert into consent_events (merchant_id, customer_id, state, source)
    select c.merchant_id, c.id, case when c.email_consent then 'granted' else 'withdrawn' end, 'import'
    from customers c
    left join lateral (
      select e.state from consent_events e where e.customer_id = c.id order by e.at desc, e.id desc limit 1
    ) last on true
    where c.merchant_id = ${merchantId} and c.id = any(${[...customerIds]}::uuid[])
      and last.state is distinct from (case when c.email_consent then 'granted' else 'withdrawn' end)`.execute(db);
}

/** The customer's consent history, newest first. */
export async function consentHistory(db: Db, merchantId: string, customerId: string): Promise<ConsentItem[]> {
  const rows = await db
    .selectFrom('consent_events')
    .select(['state', 'source', 'at'])
    .where('merchant_id', '=', merchantId)
    .where('customer_id', '=', customerId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows;
}
