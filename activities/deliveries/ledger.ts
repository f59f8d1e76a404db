/**
 * The delivery ledger: exactly one row per message, keyed (run, node, customer, channel).
 *
 * Protocol for a page of messages:
 *  1. `claim` inserts a `sending` row for every member that has none, stamped with the
 *     claiming activity's key, and returns the members this activity may send to: its new
 *     claims plus its own earlier claims still `sending` (a retry after a crash).
 *  2. The caller increments `attempts` (`markAttempt`) just before it calls the provider.
 *  3. `record` writes the final status of each message.
 * Rows already final are never sent again, and rows claimed by another activity are left
 * to it. A provider that accepted a message and then lost its answer is the one case
 * that can repeat a message; `attempts > 1` on a sent row counts those.
 */
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { DeliveryChannel, DeliveryStatus } from '../../engine/db/schema';

export interface LedgerKey {
  readonly runId: string;
  readonly nodeId: string;
  readonly channel: DeliveryChannel;
}

export interface Claimable {
  readonly seq: number;
  readonly customerId: string;
}

export type FinalStatus = Exclude<DeliveryStatus, 'sending'>;

export interface Outcome {
  readonly customerId: string;
  readonly status: FinalStatus;
  readonly reason?: string | null;
  readonly providerMessageId?: string | null;
}

/** Claims the page's messages; returns the customer ids this activity must send to. */
export async function claim(
  db: Db,
  key: LedgerKey,
  members: readonly Claimable[],
  claimKey: string,
): Promise<Set<string>> {
  if (members.length === 0) return new Set();
  const ids = members.map((m) => m.customerId);
  const seqs = members.map((m) => m.seq);
  await sql`
    insert into deliveries (run_id, node_id, customer_id, channel, status, attempts, claim_key, seq, updated_at)
    select ${key.runId}, ${key.nodeId}, t.customer_id, ${key.channel}, 'sending', 0, ${claimKey}, t.seq, now()
    from unnest(${ids}::uuid[], ${seqs}::int[]) as t(customer_id, seq)
    on conflict do nothing`.execute(db);
  const mine = await db
    .selectFrom('deliveries')
    .select('customer_id')
    .where('run_id', '=', key.runId)
    .where('node_id', '=', key.nodeId)
    .where('channel', '=', key.channel)
    .where('customer_id', 'in', ids)
    .where('status', '=', 'sending')
    .where('claim_key', '=', claimKey)
    .execute();
  return new Set(mine.map((r) => r.customer_id));
}

/** Counts one more provider attempt for these messages. */
export async function markAttempt(db: Db, key: LedgerKey, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await db
    .updateTable('deliveries')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: new Date() }))
    .where('run_id', '=', key.runId)
    .where('node_id', '=', key.nodeId)
    .where('channel', '=', key.channel)
    .where('customer_id', 'in', customerIds)
    .execute();
}

/** Writes final outcomes in one statement. Only rows still `sending` change. */
export async function record(db: Db, key: LedgerKey, outcomes: readonly Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const ids = outcomes.map((o) => o.customerId);
  const statuses = outcomes.map((o) => o.status);
  const reasons = outcomes.map((o) => o.reason ?? null);
  const messageIds = outcomes.map((o) => o.providerMessageId ?? null);
  await sql`
    update deliveries d
    set status = v.status, reason = v.reason, provider_message_id = v.message_id, updated_at = now()
    from unnest(${ids}::uuid[], ${statuses}::text[], ${reasons}::text[], ${messageIds}::text[])
      as v(customer_id, status, reason, message_id)
    where d.run_id = ${key.runId} and d.node_id = ${key.nodeId} and d.channel = ${key.channel}
      and d.customer_id = v.customer_id and d.status = 'sending'`.execute(db);
}
