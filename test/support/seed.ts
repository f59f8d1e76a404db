/**
 * Test data written straight to the database: a merchant, a card, and customers with
 * passes. Bulk inserts, so a test can have 100,000 customers in seconds.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';

export interface SeededMerchant {
  readonly merchantId: string;
  readonly cardId: string;
}

export async function seedMerchant(db: Db, name = 'Test Café'): Promise<SeededMerchant> {
  const merchant = await db
    .insertInto('merchants')
    .values({ name, timezone: 'Europe/Berlin', email_from: 'hello@cafe.test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const card = await db
    .insertInto('cards')
    .values({ merchant_id: merchant.id, name: 'Coffee card', stamps_required: 10, reward: 'Free coffee' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { merchantId: merchant.id, cardId: card.id };
}

export interface CustomerShape {
  /** Index i of the customer → its email (null for none). Default `c<i>@example.test`. */
  readonly email?: (i: number) => string | null;
  /** Index i → consent. Default true. */
  readonly consent?: (i: number) => boolean;
  readonly stamps?: (i: number) => number;
}

/** Inserts `count` customers (with passes) in chunks; returns nothing, query them back. */
export async function seedCustomers(
  db: Db,
  m: SeededMerchant,
  count: number,
  shape: CustomerShape = {},
): Promise<void> {
  const chunk = 5_000;
  for (let start = 0; start < count; start += chunk) {
    const ids: string[] = [];
    const names: string[] = [];
    const emails: (string | null)[] = [];
    const consents: boolean[] = [];
    const stamps: number[] = [];
    for (let i = start; i < Math.min(start + chunk, count); i++) {
      ids.push(randomUUID());
      names.push(`Customer ${i}`);
      emails.push(shape.email ? shape.email(i) : `c${i}@example.test`);
      consents.push(shape.consent ? shape.consent(i) : true);
      stamps.push(shape.stamps ? shape.stamps(i) : i % 10);
    }
    await sql`
      insert into customers (id, merchant_id, card_id, external_id, name, email, email_consent, stamps)
      select t.id, ${m.merchantId}, ${m.cardId}, t.id::text, t.name, t.email, t.consent, t.stamps
      from unnest(${ids}::uuid[], ${names}::text[], ${emails}::text[], ${consents}::bool[], ${stamps}::int[])
        as t(id, name, email, consent, stamps)`.execute(db);
    await sql`
      insert into passes (customer_id, serial_number, authentication_token)
      select id, gen_random_uuid()::text, md5(random()::text) from unnest(${ids}::uuid[]) as t(id)`.execute(db);
  }
}

/**
 * One registered Apple device per pass of the merchant (a random device id and 64-hex push
 * token), in bulk. Answers push token → customer id.
 */
export async function seedAppleDevices(db: Db, m: SeededMerchant): Promise<Map<string, string>> {
  const { rows } = await sql<{ customer_id: string; serial_number: string }>`
    select p.customer_id, p.serial_number from passes p join customers c on c.id = p.customer_id
    where c.merchant_id = ${m.merchantId} order by p.serial_number`.execute(db);
  const byToken = new Map<string, string>();
  const chunk = 10_000;
  for (let start = 0; start < rows.length; start += chunk) {
    const page = rows.slice(start, start + chunk);
    const devices = page.map(() => randomUUID().replaceAll('-', ''));
    const tokens = page.map(() => randomBytes(32).toString('hex'));
    await sql`
      insert into apple_registrations (serial_number, device_library_id, push_token)
      select * from unnest(${page.map((r) => r.serial_number)}::text[], ${devices}::text[], ${tokens}::text[])`.execute(db);
    page.forEach((r, i) => byToken.set(tokens[i] ?? '', r.customer_id));
  }
  return byToken;
}
