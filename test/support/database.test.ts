import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, DEFAULT_TEST_DATABASE_URL } from './database';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates a fresh migrated database and drops it', async () => {
    const database = await createTestDatabase();
    try {
      expect(database.name).toMatch(/^stampflow_test_[0-9a-f]{12}$/);
      expect(new URL(database.url).pathname).toBe(`/${database.name}`);
      expect(await databaseExists(database.name)).toBe(true);

      const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(database.db);
      expect(rows[0]?.name).toBe(database.name);
      const tables = await database.db.introspection.getTables();
      expect(tables.map((t) => t.name)).toContain('merchants');
      // Empty, and the schema is usable.
      expect(await database.db.selectFrom('merchants').selectAll().execute()).toEqual([]);

      // A second pool still connected (code under test opening its own) does not block the drop.
      const other = new pg.Client({ connectionString: database.url });
      await other.connect();
      other.on('error', () => undefined); // terminated by DROP … WITH (FORCE)
      await database.drop();
      await other.end().catch(() => undefined);
    } finally {
      await database.drop();
    }
    expect(await databaseExists(database.name)).toBe(false);
  });

  it('gives every caller its own database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});
