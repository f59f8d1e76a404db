/**
 * A merchant's messaging rules across all of its flows: a frequency cap per channel
 * (messages per customer per rolling 7 days) and quiet hours in merchant time. Read by the
 * activities before sending, written by `PUT /v1/merchant/settings`.
 */
import type { Db } from '../db/database';

/** `HH:MM` on a 24-hour clock, merchant time; messages due inside [start, end) wait until `end`. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
}

/** The rules in force; null means no rule. */
export interface MessagingRules {
  readonly pushCap: number | null;
  readonly emailCap: number | null;
  readonly quietHours: QuietHours | null;
  /** The merchant's IANA zone, in which quiet hours are read. */
  readonly timezone: string;
}

/**
 * The rules every new merchant starts with, as a café would choose them: at most 2 pushes
 * and 2 emails per customer per 7 days, nothing sent between 21:00 and 09:00 merchant time.
 */
export const DEFAULT_MESSAGING_RULES = {
  pushCap: 2,
  emailCap: 2,
  quietHours: { start: '21:00', end: '09:00' },
} as const satisfies MessagingRulesChange;

/** A change to the rules: a key left out keeps its stored value, null clears it. */
export interface MessagingRulesChange {
  readonly pushCap?: number | null;
  readonly emailCap?: number | null;
  readonly quietHours?: QuietHours | null;
}

/**
 * The merchant's messaging rules; every rule null when the merchant never set any.
 * Throws for an unknown merchant (callers hold an id they got from the database).
 *
 * @example
 * const { pushCap, quietHours, timezone } = await loadMessagingRules(db, merchantId);
 */
export async function loadMessagingRules(db: Db, merchantId: string): Promise<MessagingRules> {
  const row = await db
    .selectFrom('merchants')
    .leftJoin('merchant_settings as s', 's.merchant_id', 'merchants.id')
    .select(['merchants.timezone', 's.push_cap_7d', 's.email_cap_7d', 's.quiet_start', 's.quiet_end'])
    .where('merchants.id', '=', merchantId)
    .executeTakeFirst();
  if (!row) throw new Error(`merchant ${merchantId} not found`);
  // Both ends are written together, so one without the other means no quiet hours.
  const quietHours =
    row.quiet_start !== null && row.quiet_end !== null ? { start: row.quiet_start, end: row.quiet_end } : null;
  return { pushCap: row.push_cap_7d, emailCap: row.email_cap_7d, quietHours, timezone: row.timezone };
}

/**
 * Applies `change` (an upsert of `merchant_settings`) and answers the rules now in force.
 * Validation (caps 0..1000, `HH:MM`, start ≠ end) is the caller's job.
 */
export async function saveMessagingRules(
  db: Db,
  merchantId: string,
  change: MessagingRulesChange,
): Promise<MessagingRules> {
  const columns = {
    ...(change.pushCap !== undefined ? { push_cap_7d: change.pushCap } : {}),
    ...(change.emailCap !== undefined ? { email_cap_7d: change.emailCap } : {}),
    ...(change.quietHours !== undefined
      ? { quiet_start: change.quietHours?.start ?? null, quiet_end: change.quietHours?.end ?? null }
      : {}),
  };
  // One statement, so two concurrent saves of different rules both take effect.
  await db
    .insertInto('merchant_settings')
    .values({
      merchant_id: merchantId,
      push_cap_7d: null,
      email_cap_7d: null,
      quiet_start: null,
      quiet_end: null,
      ...columns,
    })
    .onConflict((oc) =>
      Object.keys(columns).length === 0
        ? oc.column('merchant_id').doNothing()
        : oc.column('merchant_id').doUpdateSet({ ...columns, updated_at: new Date() }),
    )
    .execute();
  return loadMessagingRules(db, merchantId);
}
