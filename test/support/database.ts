/**
 * A fresh, migrated PostgreSQL database per test file (or benchmark): created on the server
 * of `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`, the
 * maintenance database it connects to), dropped again by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from '../../engine/db/database';
import { migrateToLatest } from '../../engine/db/migrate';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly db: Db;
  /** The new database's URL (for code under test that opens its own pool). */
  readonly url: string;
  /** The new database's name, `stampflow_test_<random>`. */
  readonly name: string;
  /** Closes `db` and drops the database, disconnecting anyone still on it. Idempotent. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  try {
    await client.connect();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot reach the test Postgres server at ${adminUrl()} (set TEST_DATABASE_URL): ${reason}`, {
      cause: err,
    });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `stampflow_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;

  let db: Db | undefined;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db?.destroy();
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };

  try {
    db = await openDatabase({ url: url.toString(), ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
    await migrateToLatest(db);
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
  return { db, url: url.toString(), name, drop };
}

/** Drops a database made outside `createTestDatabase` (Temporal's, say), disconnecting anyone still on it. */
export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`));
}
