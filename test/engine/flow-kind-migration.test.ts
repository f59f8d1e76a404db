/**
 * Migration 015 on a database with flows: a flow drawn in the editor, stored as kind
 * `journey` before it, becomes `drawn`; a campaign stays a campaign; a new flow is `drawn`.
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

it('renames the stored kind `journey` to `drawn`, and a new flow is `drawn`', async () => {
  const { db } = database;
  await migrateTo(db, '014-telegram');
  const { rows } = await sql<{ id: string }>`
    insert into merchants (name, timezone) values ('Old café', 'Europe/Berlin') returning id`.execute(db);
  const merchantId = rows[0]?.id;
  await sql`insert into flows (merchant_id, name, graph) values (${merchantId}, 'Drawn before', '{}')`.execute(db);
  await sql`insert into flows (merchant_id, name, graph, kind) values (${merchantId}, 'Campaign', '{}', 'campaign')`.execute(db);
  const before = await sql<{ name: string; kind: string }>`select name, kind from flows order by name`.execute(db);
  expect(before.rows).toEqual([
    { name: 'Campaign', kind: 'campaign' },
    { name: 'Drawn before', kind: 'journey' },
  ]);

  await migrateToLatest(db);
  await sql`insert into flows (merchant_id, name, graph) values (${merchantId}, 'Drawn after', '{}')`.execute(db);
  const after = await sql<{ name: string; kind: string }>`select name, kind from flows order by name`.execute(db);
  expect(after.rows).toEqual([
    { name: 'Campaign', kind: 'campaign' },
    { name: 'Drawn after', kind: 'drawn' },
    { name: 'Drawn before', kind: 'drawn' },
  ]);
});
