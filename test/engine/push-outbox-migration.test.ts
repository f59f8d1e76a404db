/**
 * Migration 020 on a database with pushes captured the old way (a delivery row plus an
 * `outbox` copy): the copy's voucher code moves onto its delivery and the copy goes; a copy
 * whose delivery is gone stays; emails stay. Going down writes the copies back.
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

const PUSH_ID = '00000000-0000-4000-8000-0000000000a1';
const ORPHAN_ID = '00000000-0000-4000-8000-0000000000a2';

it('moves captured pushes onto their delivery rows, and back', async () => {
  const { db } = database;
  await migrateTo(db, '018-retention');
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0] as T;
  const { id: merchantId } = await one(
    sql<{ id: string }>`insert into merchants (name, timezone) values ('Café', 'UTC') returning id`,
  );
  const { id: cardId } = await one(
    sql<{
      id: string;
    }>`insert into cards (merchant_id, name, stamps_required, reward) values (${merchantId}, 'Card', 10, 'Coffee') returning id`,
  );
  const { id: customerId } = await one(
    sql<{
      id: string;
    }>`insert into customers (merchant_id, card_id, name, email_consent, stamps) values (${merchantId}, ${cardId}, 'Ann', false, 0) returning id`,
  );
  await sql`insert into passes (customer_id, serial_number, authentication_token) values (${customerId}, 'serial-ann', 'token-ann-0123456789')`.execute(
    db,
  );
  const { id: flowId } = await one(
    sql<{ id: string }>`insert into flows (merchant_id, name, graph) values (${merchantId}, 'f', '{}') returning id`,
  );
  await sql`insert into flow_versions (flow_id, version, graph, plan)
    values (${flowId}, 1, '{}', ${JSON.stringify({ steps: { push: { kind: 'push', id: 'push', text: 'Coffee?' } } })}::jsonb)`.execute(
    db,
  );
  const { id: runId } = await one(
    sql<{
      id: string;
    }>`insert into runs (merchant_id, flow_id, version, workflow_id, status) values (${merchantId}, ${flowId}, 1, 'wf', 'completed') returning id`,
  );
  await sql`insert into deliveries (run_id, node_id, customer_id, channel, status, provider_message_id, attempts, seq, created_at)
    values (${runId}, 'push', ${customerId}, 'push', 'sent', ${`outbox:${PUSH_ID}`}, 1, 1, '2025-01-02T00:00:00Z')`.execute(
    db,
  );
  const payload = (voucherCode: string | null) => JSON.stringify({ runId, nodeId: 'push', customerId, voucherCode });
  await sql`insert into outbox (id, merchant_id, channel, recipient, subject, body, payload, created_at) values
    (${PUSH_ID}, ${merchantId}, 'push', 'serial-ann', null, 'Coffee?', ${payload('SF-ANN')}::jsonb, '2025-01-02T00:00:00Z'),
    (${ORPHAN_ID}, ${merchantId}, 'push', 'serial-old', null, 'Old news', ${payload(null)}::jsonb, '2024-01-01T00:00:00Z'),
    (gen_random_uuid(), ${merchantId}, 'email', 'ann@example.com', 'Hi', 'Hello', '{}', '2025-01-03T00:00:00Z')`.execute(
    db,
  );
  const outbox = async () =>
    (
      await sql<{ id: string; channel: string; body: string; payload: unknown }>`
      select id, channel, body, payload from outbox order by created_at`.execute(db)
    ).rows;
  const before = await outbox();

  await migrateToLatest(db);
  expect((await outbox()).map((o) => o.body)).toEqual(['Old news', 'Hello']);
  const delivery = await one(
    sql<{ voucher_code: string | null }>`select voucher_code from deliveries where run_id = ${runId}`,
  );
  expect(delivery.voucher_code).toBe('SF-ANN');

  await migrateTo(db, '018-retention');
  expect(await outbox()).toEqual(before);
  await migrateToLatest(db);
});
