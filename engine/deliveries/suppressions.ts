/**
 * A merchant's suppressions: addresses that get no email from that merchant (a hard bounce,
 * a spam complaint, the provider's own suppression), never shared with another merchant.
 * Lifting one is recorded in `suppression_log` with who and why.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

export interface Suppression {
  readonly email: string;
  readonly reason: string;
  readonly description: string | null;
  readonly createdAt: Date;
}

/** Suppresses `email` for the merchant; an address already suppressed keeps its first cause. */
export async function addSuppression(
  db: Db,
  merchantId: string,
  email: string,
  reason: string,
  description: string | null,
): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({ merchant_id: merchantId, email, reason, description })
    .onConflict((oc) => oc.columns(['merchant_id', 'email']).doNothing())
    .execute();
}

/**
 * Lifts a suppression; answers false when the address was not suppressed (or, with
 * `onlyCauses`, not for one of those causes).
 */
export async function removeSuppression(
  db: Db,
  merchantId: string,
  email: string,
  reason: string,
  actor: string | null,
  onlyCauses?: readonly string[],
): Promise<boolean> {
  const causes = onlyCauses ? sql`and reason = any(${[...onlyCauses]}::text[])` : sql``;
  const { rows } = await sql<{ email: string }>`
    with gone as (
      delete from suppressions where merchant_id = ${merchantId} and lower(email) = lower(${email}) ${causes} returning email
    ), logged as (
      insert into suppression_log (merchant_id, email, action, reason, actor)
      select ${merchantId}, email, 'removed', ${reason}, ${actor} from gone
    )
    select email from gone`.execute(db);
  return rows.length > 0;
}

/** The merchant's suppressions, newest first, `limit` per page after `before` (a created_at, email pair). */
export async function listSuppressions(
  db: Db,
  merchantId: string,
  limit: number,
  before?: { at: string; email: string },
) {
  let q = db
    .selectFrom('suppressions')
    .select(['email', 'reason', 'description', 'created_at'])
    .select(sql<string>`created_at::text`.as('at_key'))
    .where('merchant_id', '=', merchantId);
  if (before) q = q.where(sql<boolean>`(created_at, email) < (${before.at}::timestamptz, ${before.email})`);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('email', 'desc')
    .limit(limit + 1)
    .execute();
}
