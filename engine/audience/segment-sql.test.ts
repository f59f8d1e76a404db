/**
 * The SQL form of a segment must mean what the per-customer form means: over a varied
 * population on the real Postgres server, both pick exactly the same customers.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentCondition } from '../compiler/plan';
import { createTestDatabase } from '../../test/support/database';
import { seedMerchant, type SeededMerchant } from '../../test/support/seed';
import { countAudience, pageAudience } from './audience';
import { matchesSegment } from './segment';
import { segmentWhere } from './segment-sql';

const now = new Date('2026-06-15T10:00:00Z');
const TZ = 'Europe/Berlin';
const DAY = 86_400_000;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let merchant: SeededMerchant;

beforeAll(async () => {
  database = await createTestDatabase();
  merchant = await seedMerchant(database.db);
  const rows = Array.from({ length: 400 }, (_, i) => ({
    merchant_id: merchant.merchantId,
    card_id: merchant.cardId,
    name: `C${i}`,
    email: i % 7 === 0 ? null : i % 13 === 0 ? '' : `c${i}@example.test`,
    email_consent: i % 3 !== 0,
    stamps: i % 12,
    joined_at: new Date(now.getTime() - (i % 400) * DAY - (i % 5) * 3_600_000),
    last_visit_at: i % 9 === 0 ? null : new Date(now.getTime() - (i % 90) * DAY - (i % 4) * 3_600_000),
    birthday_month: i % 6 === 0 ? null : 1 + (i % 12),
    birthday_day: i % 6 === 0 ? null : 1 + ((i * 5) % 28),
  }));
  await database.db.insertInto('customers').values(rows).execute();
});
afterAll(async () => database?.drop());

const cases: Array<[string, 'all' | 'any', SegmentCondition[]]> = [
  ['inactive 30+ days with consent', 'all', [{ field: 'daysSinceLastVisit', op: 'gte', value: 30 }, { field: 'emailConsent', op: 'eq', value: true }]],
  ['birthday within a week', 'all', [{ field: 'birthdayInDays', op: 'lte', value: 7 }]],
  ['birthday exactly in 10 days or 5+ stamps', 'any', [{ field: 'birthdayInDays', op: 'eq', value: 10 }, { field: 'stamps', op: 'gte', value: 5 }]],
  ['no email', 'all', [{ field: 'hasEmail', op: 'eq', value: false }]],
  ['has email, not consenting', 'all', [{ field: 'hasEmail', op: 'neq', value: false }, { field: 'emailConsent', op: 'neq', value: true }]],
  ['joined 100 to 200 days ago', 'all', [{ field: 'daysSinceJoined', op: 'gt', value: 100 }, { field: 'daysSinceJoined', op: 'lte', value: 200 }]],
  ['last visit not exactly 12 days ago, under 40', 'all', [{ field: 'daysSinceLastVisit', op: 'neq', value: 12 }, { field: 'daysSinceLastVisit', op: 'lt', value: 40 }]],
  ['stamps exactly 3', 'all', [{ field: 'stamps', op: 'eq', value: 3 }]],
];

describe('segment as SQL', () => {
  it.each(cases)('picks the same customers as the per-customer rule: %s', async (_name, match, conditions) => {
    const segment = { match, conditions };
    const all = await database.db.selectFrom('customers').selectAll().where('merchant_id', '=', merchant.merchantId).execute();
    const expected = all
      .filter((c) =>
        matchesSegment(segment, { stamps: c.stamps, email: c.email, emailConsent: c.email_consent, joinedAt: c.joined_at, lastVisitAt: c.last_visit_at, birthdayMonth: c.birthday_month, birthdayDay: c.birthday_day }, now, TZ),
      )
      .map((c) => c.id)
      .sort();
    const q = { merchantId: merchant.merchantId, timeZone: TZ, segment, now };
    expect(expected.length).toBeGreaterThan(0);
    expect(await countAudience(database.db, q)).toBe(expected.length);
    expect(await pageAudience(database.db, q, 1_000)).toEqual(expected);
  });
});

describe('segment indexes', () => {
  // The editor counts a win-back audience on every edit; at 1,000,000 customers a count that
  // fetches each lapsed customer's row reads ~14,000 heap pages per merchant (migration 019).
  it('counts a win-back segment (inactive 30+ days with consent) from the merchant + last-visit index alone', async () => {
    const [name, match, conditions] = cases[0]!;
    expect(name).toBe('inactive 30+ days with consent');
    await sql`vacuum analyze customers`.execute(database.db);
    const tx = await database.db.startTransaction().execute();
    let plan: string;
    try {
      // On 400 rows reading the table, or a smaller index and then the rows, is cheapest.
      // Leave the planner only this index (the others dropped inside the rolled-back
      // transaction) and no sequential or bitmap scan: it then reads the index alone when the
      // index covers every column of the condition, and the rows as well when it does not.
      await sql`set local enable_seqscan = off`.execute(tx);
      await sql`set local enable_bitmapscan = off`.execute(tx);
      const { rows: drops } = await sql<{ ddl: string }>`
        select format('alter table customers drop constraint %I', conname) as ddl
        from pg_constraint where conrelid = 'customers'::regclass and contype = 'u'
        union all
        select format('drop index %I', i.relname)
        from pg_index x join pg_class i on i.oid = x.indexrelid
        where x.indrelid = 'customers'::regclass and not x.indisprimary and i.relname <> 'customers_merchant_last_visit'
          and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`.execute(tx);
      for (const { ddl } of drops) await sql.raw(ddl).execute(tx);
      // The count as `countAudience` makes it.
      const rows = await tx
        .selectFrom('customers')
        .where('merchant_id', '=', merchant.merchantId)
        .where(segmentWhere({ match, conditions }, now, TZ))
        .select((eb) => eb.fn.countAll().as('n'))
        .explain('json');
      plan = JSON.stringify(rows);
    } finally {
      await tx.rollback().execute();
    }
    expect(plan).toContain('"Node Type":"Index Only Scan"');
    expect(plan).toContain('"Index Name":"customers_merchant_last_visit"');
    expect(plan).not.toContain('"Node Type":"Index Scan"');
  });
});
