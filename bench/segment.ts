/**
 * segment: audience count and a page of 1,000 for two everyday segments over 1,000,000
 * customers of 50 merchants, on the Postgres server. Figures: p50/p95 ms per query pair,
 * and the same with the indexes ignored (a sequential scan) as the side-by-side baseline.
 */
import { sql } from 'kysely';
import { countAudience, pageAudience, type AudienceQuery } from '../activities/audience/audience';
import type { Db } from '../engine/db/database';
import { createTestDatabase } from '../test/support/database';
import type { Figure } from './figures';
import { percentile } from './stats';

const CUSTOMERS = Number(process.env.BENCH_SEGMENT_CUSTOMERS ?? 1_000_000);
const MERCHANTS = 50;
const ROUNDS = 40;

export async function run(): Promise<Figure[]> {
  const database = await createTestDatabase();
  try {
    const merchants = await seed(database.db);
    const segments = {
      inactive: { match: 'all', conditions: [{ field: 'daysSinceLastVisit', op: 'gte', value: 30 }, { field: 'emailConsent', op: 'eq', value: true }] },
      birthday: { match: 'all', conditions: [{ field: 'birthdayInDays', op: 'lte', value: 7 }] },
    } as const;
    const figures: Figure[] = [];
    const all: number[] = [];
    for (const [name, segment] of Object.entries(segments)) {
      const times = await measure(database.db, merchants, segment);
      all.push(...times);
      figures.push({ name: `segment.${name}.p50_ms`, value: percentile(times, 50), unit: 'ms' });
      figures.push({ name: `segment.${name}.p95_ms`, value: percentile(times, 95), unit: 'ms' });
    }
    figures.push({ name: 'segment.p95_ms', value: percentile(all, 95), unit: 'ms' });
    // Baseline: the same queries with index scans switched off.
    await sql`set enable_indexscan = off`.execute(database.db);
    await sql`set enable_bitmapscan = off`.execute(database.db);
    const scan = await measure(database.db, merchants.slice(0, 5), segments.inactive, 5);
    figures.push({ name: 'segment.full_scan.p50_ms', value: percentile(scan, 50), unit: 'ms' });
    return figures;
  } finally {
    await database.drop();
  }
}

async function measure(db: Db, merchants: string[], segment: AudienceQuery['segment'], rounds = ROUNDS): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const merchantId = merchants[i % merchants.length]!;
    const q: AudienceQuery = { merchantId, timeZone: 'Europe/Berlin', segment };
    const t0 = performance.now();
    await countAudience(db, q);
    await pageAudience(db, q, 1_000);
    times.push(performance.now() - t0);
  }
  return times.slice(Math.min(3, times.length - 1)); // the first queries warm the cache
}

async function seed(db: Db): Promise<string[]> {
  process.stderr.write(`bench: segment: seeding ${CUSTOMERS} customers…\n`);
  await sql`
    insert into merchants (name, timezone)
    select 'Merchant ' || g, 'Europe/Berlin' from generate_series(1, ${MERCHANTS}) g`.execute(db);
  await sql`insert into cards (merchant_id, name, stamps_required, reward) select id, 'Card', 10, 'Coffee' from merchants`.execute(db);
  await sql`
    insert into customers (merchant_id, card_id, name, email, email_consent, stamps, joined_at, last_visit_at, birthday_month, birthday_day)
    select c.merchant_id, c.id, 'Customer ' || g, 'c' || g || '@example.test', g % 3 <> 0, g % 10,
           now() - ((g % 700) || ' days')::interval,
           case when g % 11 = 0 then null else now() - ((g % 120) || ' days')::interval end,
           case when g % 5 = 0 then null else 1 + (g % 12) end, 1 + (g % 28)
    from generate_series(1, ${CUSTOMERS}) g
    join (select id, merchant_id, row_number() over (order by id) - 1 as k from cards) c on c.k = g % ${MERCHANTS}`.execute(db);
  await sql`vacuum analyze customers`.execute(db); // the steady state autovacuum keeps
  const rows = await db.selectFrom('merchants').select('id').execute();
  return rows.map((r) => r.id);
}
