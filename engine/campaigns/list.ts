/**
 * Campaigns as the editor lists them, newest first: each with its card, channels, voucher,
 * its run's status and delivery counts. Two queries for any page size (the campaigns with
 * their plan, card and run; the runs' deliveries grouped by status).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import type { RunStatus } from '../db/schema';
import type { Plan } from '../compiler/plan';
import { SENT_STATUSES, tallyOf } from '../deliveries/status';
import { summarisedDeliveries } from '../retention/summaries';

export interface CampaignCounts {
  readonly members: number;
  readonly sent: number;
  readonly failed: number;
  readonly skipped: number;
  readonly suppressed: number;
}

/** Who was reached, per person: customers sent anything, and customers sent each channel. */
export interface CampaignReach {
  readonly customers: number;
  readonly push: number;
  readonly email: number;
  readonly telegram: number;
}

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly cardId: string | null;
  readonly cardName: string | null;
  readonly channels: ('push' | 'email' | 'telegram')[];
  readonly voucher: boolean;
  /** The run's status; null only while a launch is being undone. */
  readonly status: RunStatus | null;
  /** When it is (or was) sent; null for "at once". */
  readonly sendAt: Date | null;
  readonly createdAt: Date;
  readonly runId: string | null;
  readonly counts: CampaignCounts;
  /** Distinct customers reached ("25 customers: 25 pushes, 17 emails"); `counts` are messages. */
  readonly reached: CampaignReach;
  /** The keyset sort key: `created_at` as Postgres text. */
  readonly createdAtKey: string;
}

export interface CampaignListOptions {
  readonly limit: number;
  /** The sort key of the row before the page (`created_at` as Postgres text, id). */
  readonly after?: { readonly createdAt: string; readonly id: string } | undefined;
}

interface Row {
  id: string;
  name: string;
  created_at: Date;
  created_at_key: string;
  plan: Plan | null;
  card_name: string | null;
  run_id: string | null;
  run_status: RunStatus | null;
  member_count: number | null;
}

/** Up to `limit + 1` campaigns, newest first (the extra row says a next page exists). */
export async function listCampaigns(db: Db, merchantId: string, options: CampaignListOptions): Promise<Campaign[]> {
  const after = options.after
    ? sql`and (f.created_at, f.id) < (${options.after.createdAt}::timestamptz, ${options.after.id}::uuid)`
    : sql``;
  return campaigns(db, merchantId, sql`${after} order by f.created_at desc, f.id desc limit ${options.limit + 1}`);
}

/** One campaign, or undefined when it is not the merchant's campaign. */
export async function getCampaign(db: Db, merchantId: string, id: string): Promise<Campaign | undefined> {
  return (await campaigns(db, merchantId, sql`and f.id = ${id}`))[0];
}

/** Renames a campaign; false when it is not the merchant's campaign. */
export async function renameCampaign(db: Db, merchantId: string, id: string, name: string): Promise<boolean> {
  const updated = await db
    .updateTable('flows')
    .set({ name, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'campaign')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

async function campaigns(db: Db, merchantId: string, rest: RawBuilder<unknown>): Promise<Campaign[]> {
  const { rows } = await sql<Row>`
    select f.id, f.name, f.created_at, f.created_at::text as created_at_key, v.plan,
      k.name as card_name, r.id as run_id, r.status as run_status, r.member_count
    from flows f
    left join lateral (select plan from flow_versions where flow_id = f.id order by version desc limit 1) v on true
    left join lateral (select id, status, member_count from runs where flow_id = f.id
      order by created_at desc, id desc limit 1) r on true
    left join cards k on k.id::text = v.plan->'trigger'->>'cardId' and k.merchant_id = f.merchant_id
    where f.merchant_id = ${merchantId} and f.kind = 'campaign' ${rest}`.execute(db);
  const runIds = rows.flatMap((r) => (r.run_id ? [r.run_id] : []));
  const [counts, reach] = await Promise.all([deliveryCounts(db, runIds), reachCounts(db, runIds)]);
  return rows.map((r) => {
    const steps = Object.values(r.plan?.steps ?? {});
    const trigger = r.plan?.trigger;
    const sendAt = trigger?.kind === 'broadcast' && trigger.sendAt ? new Date(trigger.sendAt) : null;
    const channels = (['push', 'email', 'telegram'] as const).filter((kind) => steps.some((s) => s.kind === kind));
    return {
      id: r.id,
      name: r.name,
      cardId: trigger?.cardId ?? null,
      cardName: r.card_name,
      channels,
      voucher: steps.some((s) => s.kind === 'voucher'),
      status: r.run_status,
      sendAt,
      createdAt: r.created_at,
      runId: r.run_id,
      counts: { members: r.member_count ?? 0, ...(counts.get(r.run_id ?? '') ?? zero()) },
      reached: reach.get(r.run_id ?? '') ?? { customers: 0, push: 0, email: 0, telegram: 0 },
      createdAtKey: r.created_at_key,
    };
  });
}

const zero = () => ({ sent: 0, failed: 0, skipped: 0, suppressed: 0 });

/** Finished deliveries by status per run; `sending` rows are in flight and count in none. */
async function deliveryCounts(db: Db, runIds: readonly string[]) {
  const byRun = new Map<string, Omit<CampaignCounts, 'members'>>();
  if (runIds.length === 0) return byRun;
  const rows = await db
    .selectFrom('deliveries')
    .select(['run_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('run_id', 'in', runIds)
    .where('status', '!=', 'sending')
    .groupBy(['run_id', 'status'])
    .execute();
  // Runs summarised by retention keep their counts there (their ledger rows are gone).
  for (const row of [...rows, ...(await summarisedDeliveries(db, runIds))]) {
    const counts = { ...(byRun.get(row.run_id) ?? zero()) };
    const tally = tallyOf(row.status);
    if (tally) counts[tally] += Number(row.n);
    byRun.set(row.run_id, counts);
  }
  return byRun;
}

/** Distinct customers each run sent something to, overall and per channel. */
async function reachCounts(db: Db, runIds: readonly string[]): Promise<Map<string, CampaignReach>> {
  const byRun = new Map<string, CampaignReach>();
  if (runIds.length === 0) return byRun;
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => [
      'run_id',
      eb.fn.count<string>('customer_id').distinct().as('customers'),
      sql<string>`count(distinct customer_id) filter (where channel = 'push')`.as('push'),
      sql<string>`count(distinct customer_id) filter (where channel = 'email')`.as('email'),
      sql<string>`count(distinct customer_id) filter (where channel = 'telegram')`.as('telegram'),
    ])
    .where('run_id', 'in', runIds)
    .where('status', 'in', SENT_STATUSES)
    .groupBy('run_id')
    .execute();
  for (const row of rows) {
    byRun.set(row.run_id, {
      customers: Number(row.customers),
      push: Number(row.push),
      email: Number(row.email),
      telegram: Number(row.telegram),
    });
  }
  return byRun;
}
