/**
 * The API on a fresh Postgres database, called in-process with `app.request` (no network).
 * The default launcher talks to the suite's real Temporal dev server on a task queue no
 * worker listens on, so started runs stay pending and nothing else picks them up.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { createApp } from '../../engine/api/app';
import type { Db } from '../../engine/db/database';
import { createRunLauncher, type RunLauncher } from '../../engine/temporal/run-launcher';
import { createTestDatabase } from '../support/database';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
  headers: Headers;
}

export interface TestMerchant {
  readonly id: string;
  readonly apiKey: string;
  readonly cardId: string;
  /** Calls the API with this merchant's key. */
  call(method: string, path: string, body?: unknown): Promise<Answer>;
}

export interface Harness {
  readonly db: Db;
  readonly app: ReturnType<typeof createApp>;
  /** Calls the API; `body` is sent as JSON unless it is a string (sent raw). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<Answer>;
  /** Creates a merchant through the API (admin token) with one card. */
  merchant(name?: string): Promise<TestMerchant>;
  /** Writes a plain customer of `owner`'s card straight to the database; answers its id. */
  customer(owner: TestMerchant): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(options: { launcher?: RunLauncher; adminToken?: string } = {}): Promise<Harness> {
  const database = await createTestDatabase();
  let connection: Connection | undefined;
  let launcher = options.launcher;
  if (!launcher) {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    launcher = createRunLauncher(new Client({ connection }), `api-test-${randomUUID()}`);
  }
  const app = createApp({
    db: database.db,
    launcher,
    adminToken: 'adminToken' in options ? options.adminToken : ADMIN_TOKEN,
    readiness: async () => true,
  });

  const call: Harness['call'] = async (method, path, body, token) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await app.request(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };

  return {
    db: database.db,
    app,
    call,
    async merchant(name = 'Test Café') {
      const created = await call('POST', '/v1/merchants', { name, timezone: 'Europe/Berlin' }, ADMIN_TOKEN);
      if (created.status !== 201) throw new Error(`merchant: ${JSON.stringify(created.body)}`);
      const { id, apiKey } = created.body as { id: string; apiKey: string };
      const m = (method: string, path: string, body?: unknown) => call(method, path, body, apiKey);
      const card = await m('POST', '/v1/cards', { name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' });
      return { id, apiKey, cardId: card.body.id as string, call: m };
    },
    async customer(owner) {
      const row = await database.db
        .insertInto('customers')
        .values({ merchant_id: owner.id, card_id: owner.cardId, name: 'Ada', email_consent: false, stamps: 0, joined_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async close() {
      await connection?.close();
      // pg's Pool.end() resolves before its clients have said goodbye; dropping the database
      // WITH (FORCE) at once can kill those sessions mid-goodbye and pg then raises an
      // unhandled pool 'error'. Let them finish first.
      await database.db.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await database.drop();
    },
  };
}
