/**
 * Migration 006 on a database with customers: each starts its consent history with the
 * consent it had (source `import`, at its creation), and migrating down and up again keeps
 * the schema usable.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../engine/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

it('gives customers from before it a first consent entry, granted or withdrawn as they were', async () => {
  const { db } = database;
  await migrateTo(db, '005-wallet');
  const { rows } = await sql<{
    id: string;
  }>`insert into merchants (name, timezone) values ('Old café', 'Europe/Berlin') returning id`.execute(db);
  const merchantId = rows[0]!.id;
  const card = await sql<{
    id: string;
  }>`insert into cards (merchant_id, name, stamps_required, reward) values (${merchantId}, 'Card', 10, 'Coffee') returning id`.execute(
    db,
  );
  await sql`insert into customers (merchant_id, card_id, name, email, email_consent, created_at)
    values (${merchantId}, ${card.rows[0]!.id}, 'Yes', 'yes@old.test', true, '2025-01-02T03:04:05Z'),
           (${merchantId}, ${card.rows[0]!.id}, 'No', 'no@old.test', false, '2025-02-03T04:05:06Z')`.execute(db);

  await migrateToLatest(db);
  const events = await sql<{ name: string; state: string; source: string; at: Date }>`
    select c.name, e.state, e.source, e.at from consent_events e join customers c on c.id = e.customer_id order by c.name`.execute(
    db,
  );
  expect(events.rows).toEqual([
    { name: 'No', state: 'withdrawn', source: 'import', at: new Date('2025-02-03T04:05:06Z') },
    { name: 'Yes', state: 'granted', source: 'import', at: new Date('2025-01-02T03:04:05Z') },
  ]);
});
