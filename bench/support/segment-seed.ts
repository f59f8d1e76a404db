/**
 * The data of the `segment` benchmark: `customers` card holders spread over `merchants`
 * merchants (customer g belongs to merchant g mod merchants), whose stamps, consent, join
 * date, last visit and birthday each come from their own hash of g — so they vary per
 * customer and are independent of the merchant and of each other (no `g % 10` beside
 * `g % 50`). Deterministic, in SQL (generate_series), so a million rows take seconds.
 *
 * Each merchant gets a flow and a scheduled run (what a daily trigger's cohort enters
 * under); the first `snapshots` merchants' runs also take their broadcast snapshot through
 * the engine's own `snapshotAudience`, so a segment step has members to read.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { snapshotAudience } from '../../engine/audience/snapshot';
import type { Db } from '../../engine/db/database';

export interface SeededSegmentMerchant {
  readonly id: string;
  readonly timezone: string;
  readonly flowId: string;
  readonly runId: string;
  /** Members of the run's trigger node (`trigger`), 0 without a snapshot. */
  readonly members: number;
}

export const TRIGGER_NODE = 'trigger';

export async function seedSegmentData(
  db: Db,
  opts: { customers: number; merchants: number; snapshots: number },
): Promise<SeededSegmentMerchant[]> {
  await sql`
    insert into merchants (name, timezone)
    select 'Merchant ' || g, 'Europe/Berlin' from generate_series(1, ${opts.merchants}) g`.execute(db);
  await sql`insert into cards (merchant_id, name, stamps_required, reward) select id, 'Card', 10, 'Coffee' from merchants`.execute(
    db,
  );
  // u(k): a uniform integer in [0, 2^32) from the k-th hash of g.
  await sql`
    insert into customers (merchant_id, card_id, name, email, email_consent, stamps, joined_at, last_visit_at, birthday_month, birthday_day)
    select c.merchant_id, c.id, 'Customer ' || g, 'c' || g || '@example.test',
           h.u2 % 100 < 70,
           h.u1 % 10,
           now() - make_interval(secs => h.joined_s),
           case when h.u4 % 100 < 10 then null else now() - make_interval(secs => h.u5 % (1 + least(h.joined_s, 120 * 86400))) end,
           case when h.u6 % 100 < 25 then null else extract(month from h.birthday)::int end,
           case when h.u6 % 100 < 25 then null else extract(day from h.birthday)::int end
    from generate_series(1, ${opts.customers}) g
    cross join lateral (
      select u1, u2, u4, u5, u6, u3 % (730 * 86400) as joined_s, date '2024-01-01' + ((u6 / 100) % 366)::int as birthday
      from (select hashint8(g * 8 + 1)::bigint + 2147483648 as u1, hashint8(g * 8 + 2)::bigint + 2147483648 as u2,
                   hashint8(g * 8 + 3)::bigint + 2147483648 as u3, hashint8(g * 8 + 4)::bigint + 2147483648 as u4,
                   hashint8(g * 8 + 5)::bigint + 2147483648 as u5, hashint8(g * 8 + 6)::bigint + 2147483648 as u6) u
    ) h
    join (select id, merchant_id, row_number() over (order by merchant_id) - 1 as k from cards) c on c.k = g % ${opts.merchants}`.execute(
    db,
  );

  const merchants = await db.selectFrom('merchants').select(['id', 'timezone']).orderBy('id').execute();
  const seeded: SeededSegmentMerchant[] = [];
  for (const [i, m] of merchants.entries()) {
    const flow = await db
      .insertInto('flows')
      .values({ merchant_id: m.id, name: 'segment bench', graph: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const runId = randomUUID();
    await db
      .insertInto('runs')
      .values({
        id: runId,
        merchant_id: m.id,
        flow_id: flow.id,
        version: 1,
        workflow_id: `segment-${runId}`,
        status: 'scheduled',
        send_at: null,
        error: null,
        started_at: null,
        finished_at: null,
      })
      .execute();
    const members =
      i < opts.snapshots ? await snapshotAudience(db, { runId, merchantId: m.id, triggerNodeId: TRIGGER_NODE }) : 0;
    seeded.push({ id: m.id, timezone: m.timezone, flowId: flow.id, runId, members });
  }
  // The steady state autovacuum keeps.
  await sql`vacuum analyze customers`.execute(db);
  await sql`vacuum analyze run_step_members`.execute(db);
  return seeded;
}
