/**
 * A push captured in the outbox (no wallet credentials) is one row, its delivery, instead of
 * a delivery plus an `outbox` copy: the delivery keeps the voucher code the push carried, and
 * the Outbox lists such pushes from the ledger, newest first, by a small partial index. Pushes
 * captured before this migration move over: their delivery takes the copy's voucher code and
 * the copy goes (a copy whose delivery is gone, e.g. dropped by retention, stays and is still
 * shown). The provider-id index keeps emails only, the one channel looked up by it. Takes
 * `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('voucher_code', 'text').execute();
  // The Outbox's pushes, newest first (the API joins runs for the merchant).
  await sql`create index deliveries_outbox_push on deliveries (created_at)
    where channel = 'push' and provider_message_id like 'outbox:%'`.execute(db);
  await sql`update deliveries d set voucher_code = nullif(o.payload->>'voucherCode', '')
    from outbox o
    where o.channel = 'push' and d.channel = 'push' and d.provider_message_id = 'outbox:' || o.id::text`.execute(db);
  await sql`delete from outbox o using deliveries d
    where o.channel = 'push' and d.channel = 'push' and d.provider_message_id = 'outbox:' || o.id::text`.execute(db);
  // Only Postmark's webhooks look a delivery up by its provider's id (and only emails): a push
  // (`outbox:<id>`, or a Telegram message id) no longer writes an entry it is never found by.
  await sql`drop index deliveries_provider_message`.execute(db);
  await sql`create index deliveries_provider_message on deliveries (provider_message_id)
    where channel = 'email' and provider_message_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index deliveries_provider_message`.execute(db);
  await sql`create index deliveries_provider_message on deliveries (provider_message_id) where provider_message_id is not null`.execute(
    db,
  );
  // The copies come back from the ledger, as the push step wrote them before.
  await sql`insert into outbox (id, merchant_id, channel, recipient, subject, body, payload, created_at)
    select substr(d.provider_message_id, 8)::uuid, r.merchant_id, 'push', coalesce(p.serial_number, ''), null,
      coalesce(v.plan->'steps'->d.node_id->>'text', ''),
      jsonb_build_object('runId', d.run_id::text, 'nodeId', d.node_id, 'customerId', d.customer_id::text, 'voucherCode', d.voucher_code),
      d.created_at
    from deliveries d
    join runs r on r.id = d.run_id
    join flow_versions v on v.flow_id = r.flow_id and v.version = r.version
    left join passes p on p.customer_id = d.customer_id
    where d.channel = 'push' and d.provider_message_id like 'outbox:%'
    on conflict (id) do nothing`.execute(db);
  await sql`drop index deliveries_outbox_push`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('voucher_code').execute();
}
