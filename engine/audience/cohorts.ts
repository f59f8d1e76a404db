/**
 * Cohort selection for scheduled and event triggers, in SQL on the indexes: who enters a
 * flow now. Each entry is recorded in `flow_entries` under a key that makes entering twice
 * impossible — a birthday once a year, a win-back once per lapse, an expiring voucher once
 * — whatever fires twice, catches up after downtime or is retried.
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { PlanTrigger } from '../compiler/plan';
import { addDays, birthdayTargets, localDate, zonedTimeToInstant } from '../time/zoned';

export interface CohortRun {
  readonly runId: string;
  readonly merchantId: string;
  readonly flowId: string;
  readonly version: number;
  readonly timeZone: string;
  readonly cardId?: string | undefined;
}

/**
 * Enters today's cohort of a scheduled trigger into `flow_entries` for this run (event
 * triggers' entries are there already). Returns nothing: the snapshot reads the entries.
 */
export async function enterCohort(tx: Transaction<Database>, run: CohortRun, trigger: PlanTrigger, now: Date): Promise<void> {
  const card = run.cardId ? sql`and c.card_id = ${run.cardId}` : sql``;
  const entry = (key: ReturnType<typeof sql>, from: ReturnType<typeof sql>) => sql`
    insert into flow_entries (flow_id, customer_id, entry_key, merchant_id, version, run_id)
    select distinct on (c.id) ${run.flowId}::uuid, c.id, ${key}, ${run.merchantId}::uuid, ${run.version}::int, ${run.runId}::uuid
    ${from}
    on conflict do nothing`;
  switch (trigger.kind) {
    case 'birthday': {
      const { year, days } = birthdayTargets(localDate(now, run.timeZone), trigger.daysBefore);
      const pairs = sql.join(days.map((d) => sql`(${sql.lit(d.month)}, ${sql.lit(d.day)})`));
      await entry(
        sql`${`birthday:${year}`}`,
        sql`from customers c where c.merchant_id = ${run.merchantId} ${card} and (c.birthday_month, c.birthday_day) in (${pairs})`,
      ).execute(tx);
      return;
    }
    case 'inactive': {
      // Never visited counts from joining, as in segments. Spelled out per column so each
      // side uses its index; the key is the visit the lapse started from.
      const before = new Date(now.getTime() - trigger.days * 86_400_000);
      await entry(
        sql`'inactive:' || to_char(coalesce(c.last_visit_at, c.joined_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
        sql`from customers c where c.merchant_id = ${run.merchantId} ${card}
          and ((c.last_visit_at is not null and c.last_visit_at <= ${before})
            or (c.last_visit_at is null and c.joined_at <= ${before}))`,
      ).execute(tx);
      return;
    }
    case 'event': {
      if (trigger.event !== 'voucher_expiring') return;
      // Vouchers whose expiry falls on the local day `daysBefore` days from today and that
      // can still be redeemed (on the day itself, one that ran out this morning cannot).
      const day = addDays(localDate(now, run.timeZone), trigger.daysBefore ?? 3);
      const from = zonedTimeToInstant(day, { hour: 0, minute: 0 }, run.timeZone);
      const to = zonedTimeToInstant(addDays(day, 1), { hour: 0, minute: 0 }, run.timeZone);
      await entry(
        sql`'voucher_expiring:' || v.id`,
        sql`from vouchers v join customers c on c.id = v.customer_id
          where v.merchant_id = ${run.merchantId} and v.redeemed_at is null
            and v.expires_at >= ${from} and v.expires_at < ${to} and v.expires_at > ${now} ${card}
          order by c.id, v.expires_at`,
      ).execute(tx);
      return;
    }
    case 'broadcast':
    case 'schedule':
      return;
    default: {
      const unknown: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(unknown)}`);
    }
  }
}

/** True when the trigger's members come from `flow_entries` rather than every card holder. */
export function entersByEntries(trigger: PlanTrigger): boolean {
  return trigger.kind === 'birthday' || trigger.kind === 'inactive' || trigger.kind === 'event';
}
