/**
 * The delivery ledger: exactly one row per message, keyed (run, node, customer, channel).
 *
 * Protocol for a page of messages:
 *  1. `claim` inserts a `sending` row (attempt 1) for every member that has none, stamped
 *     with the claiming activity's key, and returns the members this activity may send
 *     to: its new claims plus its own earlier claims still `sending` (a retry after a
 *     crash or a provider error), whose attempt count it raises.
 *  2. `record` writes the final status of each message.
 * Rows already final are never sent again, and rows claimed by another activity are left
 * to it. A provider that accepted a message and then lost its answer could repeat it:
 * `claim` says which rows were claimed before (`retried`), so the email step asks the
 * provider about those first (`findAccepted`); `attempts > 1` on a sent row counts them.
 *
 * Email pages skip the claim (`recordOnce`): Postmark can be asked what it accepted, so a
 * message's row is written once, final, after the provider answered, and a retry learns what
 * a dead attempt may have sent from its attempt number instead of from `sending` rows.
 *
 * This module is the only writer of `deliveries`. Steps that read their page, claim and
 * record in one statement (for speed) compose the parts below (`claimParts`, `insertFinal`)
 * into their own SQL instead of writing the table themselves; provider events (opens,
 * bounces) move a row through `markEngagement` and `moveOn`.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import type { DeliveryChannel, DeliveryStatus, DeviceOutcome } from '../db/schema';
import type { SeqRange } from '../runs/member-group';

export interface LedgerKey {
  readonly runId: string;
  readonly nodeId: string;
  readonly channel: DeliveryChannel;
  /**
   * When quiet hours held the step's messages back: the end of the window they waited for.
   * Written on every row the key inserts, so what the rules held back is counted from the
   * ledger (the row stays the message's one record: exactly once is unchanged).
   */
  readonly heldUntil?: Date | null | undefined;
}

export interface Claimable {
  readonly seq: number;
  readonly customerId: string;
}

export type FinalStatus = Exclude<DeliveryStatus, 'sending'>;

export interface Outcome {
  readonly seq: number;
  readonly customerId: string;
  readonly status: FinalStatus;
  readonly reason?: string | null;
  readonly providerMessageId?: string | null;
  /** Push deliveries: what each wallet device answered. */
  readonly devices?: readonly DeviceOutcome[] | null;
  /** Email: the subject as sent, placeholders filled (kept when absent). */
  readonly subject?: string | null;
}

/** What a claim gave this activity: every message to send, and those an earlier attempt of it had claimed. */
export interface Claimed extends Set<string> {
  /** Claimed before by this activity and not recorded: the provider may already have them. */
  readonly retried: ReadonlySet<string>;
}

/**
 * Claims the page's messages and counts an attempt on each claimed row, in one statement;
 * returns the customer ids this activity must now send to (with `retried`: those an earlier
 * attempt claimed and did not record).
 */
export async function claim(db: Db, key: LedgerKey, members: readonly Claimable[], claimKey: string): Promise<Claimed> {
  if (members.length === 0) return Object.assign(new Set<string>(), { retried: new Set<string>() });
  const ids = members.map((m) => m.customerId);
  const seqs = members.map((m) => m.seq);
  const [lo, hi] = bounds(seqs);
  const { rows } = await sql<{ customer_id: string; retried: boolean }>`
    with members as (
      select * from unnest(${ids}::uuid[], ${seqs}::int[]) as t(customer_id, seq)
    ), ${claimParts(key, claimKey, { from: lo, to: hi + 1 }, 'members')}
    select customer_id, true as retried from retried union all select customer_id, false from claimed`.execute(db);
  const retried = new Set(rows.filter((r) => r.retried).map((r) => r.customer_id));
  return Object.assign(new Set(rows.map((r) => r.customer_id)), { retried });
}

/**
 * The claim as two parts of a `with` statement, for a step that reads its page and claims
 * it in one statement: `retried` (customer ids this activity claimed before and has not
 * recorded; their attempt is counted) and `claimed` (the new claims), over the caller's
 * part `source` (columns `seq`, `customer_id`) whose seqs lie in `range`.
 *
 * @example
 * sql`with page as (select seq, customer_id from …), ${claimParts(key, claimKey, range, 'page')}
 *     select … from page where customer_id in (select customer_id from claimed)`
 */
export function claimParts(key: LedgerKey, claimKey: string, range: SeqRange, source: string): RawBuilder<unknown> {
  const from = sql.table(source);
  // The update sees the table as it was before this statement, so it touches only rows an
  // earlier attempt of this activity claimed; the insert adds the new claims.
  return sql`retried as (
      update deliveries set attempts = attempts + 1, updated_at = now()
      where run_id = ${key.runId} and node_id = ${key.nodeId} and channel = ${key.channel}
        and seq >= ${range.from} and seq < ${range.to} and seq = any(array(select seq from ${from}))
        and status = 'sending' and claim_key = ${claimKey}
      returning customer_id
    ), claimed as (
      insert into deliveries (run_id, node_id, customer_id, channel, status, attempts, claim_key, seq, held_until, updated_at)
      select ${key.runId}, ${key.nodeId}, customer_id, ${key.channel}, 'sending', 1, ${claimKey}, seq, ${heldUntil(key)}, now()
      from ${from}
      on conflict do nothing
      returning customer_id
    )`;
}

/**
 * Final rows written at once, without a claim: what a step decided without a provider (no
 * pass, capped, captured in the outbox in the same statement). `rows` selects `customer_id`,
 * `seq`, `status`, `reason`, `provider_message_id` and `voucher_code` (a push's voucher); a
 * row that exists already is left as it is. Returns `run_id, customer_id, provider_message_id,
 * voucher_code` of the rows written, so it can be a part of a `with` statement that goes on
 * with them.
 */
export function insertFinal(key: LedgerKey, rows: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into deliveries (run_id, node_id, customer_id, channel, status, reason, provider_message_id, voucher_code, attempts, seq, held_until, updated_at)
    select ${key.runId}, ${key.nodeId}, t.customer_id, ${key.channel}, t.status, t.reason, t.provider_message_id, t.voucher_code, 1, t.seq, ${heldUntil(key)}, now()
    from (${rows}) as t(customer_id, seq, status, reason, provider_message_id, voucher_code)
    on conflict do nothing
    returning run_id, customer_id, provider_message_id, voucher_code`;
}

/** Final rows for members who get nothing, each with its reason (see {@link insertFinal}). */
export async function recordSkipped(
  db: Db,
  key: LedgerKey,
  skipped: readonly { readonly customerId: string; readonly seq: number; readonly reason: string }[],
): Promise<void> {
  if (skipped.length === 0) return;
  await insertFinal(
    key,
    sql`select t.customer_id, t.seq, 'skipped', t.reason, null::text, null::text
      from unnest(${skipped.map((s) => s.customerId)}::uuid[], ${skipped.map((s) => s.seq)}::int[], ${skipped.map((s) => s.reason)}::text[])
        as t(customer_id, seq, reason)`,
  ).execute(db);
}

/** One delivery, as a provider's event names it. */
export interface DeliveryRef {
  readonly run_id: string;
  readonly node_id: string;
  readonly seq: number;
}

/** The first open or click of an email: a later one never moves the time. */
export async function markEngagement(db: Db, d: DeliveryRef, column: 'opened_at' | 'clicked_at', at: string): Promise<void> {
  await sql`update deliveries set ${sql.ref(column)} = coalesce(${sql.ref(column)}, ${at}::timestamptz)
    where run_id = ${d.run_id} and node_id = ${d.node_id} and channel = 'email' and seq = ${d.seq}`.execute(db);
}

/** Moves an email's delivery on from one of `from` (a later, weaker event never moves it back). */
export async function moveOn(
  db: Db,
  d: DeliveryRef,
  status: 'delivered' | 'bounced' | 'complained',
  from: readonly string[],
  at: string,
  detail: string,
): Promise<void> {
  await sql`
    update deliveries set status = ${status}, event_at = ${at}::timestamptz, event_detail = ${detail}, updated_at = now()
    where run_id = ${d.run_id} and node_id = ${d.node_id} and channel = 'email' and seq = ${d.seq}
      and status = any(${[...from]}::text[])`.execute(db);
}

/**
 * Writes final outcomes in one statement. Only rows still `sending` change. `also`, a
 * data-modifying statement (e.g. the page's count), runs in the same statement, so it
 * commits with the outcomes.
 */
export async function record(
  db: Db,
  key: LedgerKey,
  outcomes: readonly Outcome[],
  also?: RawBuilder<unknown>,
): Promise<void> {
  if (outcomes.length === 0) {
    if (also) await also.execute(db);
    return;
  }
  const seqs = outcomes.map((o) => o.seq);
  const [lo, hi] = bounds(seqs);
  const statuses = outcomes.map((o) => o.status);
  const reasons = outcomes.map((o) => o.reason ?? null);
  const messageIds = outcomes.map((o) => o.providerMessageId ?? null);
  const devices = outcomes.map((o) => (o.devices ? JSON.stringify(o.devices) : null));
  const subjects = outcomes.map((o) => o.subject ?? null);
  const update = sql`
    update deliveries d
    set status = v.status, reason = v.reason, provider_message_id = v.message_id, devices = v.devices::jsonb,
      subject = coalesce(v.subject, d.subject), updated_at = now()
    from unnest(${seqs}::int[], ${statuses}::text[], ${reasons}::text[], ${messageIds}::text[], ${devices}::text[], ${subjects}::text[])
      as v(seq, status, reason, message_id, devices, subject)
    where d.run_id = ${key.runId} and d.node_id = ${key.nodeId} and d.channel = ${key.channel}
      and d.seq between ${lo} and ${hi} and d.seq = v.seq and d.status = 'sending'`;
  if (!also) await update.execute(db);
  else await sql`with recorded as (${update}), also as (${also}) select 1`.execute(db);
}

/**
 * Writes final outcomes as the messages' first and only write, in one statement: a step
 * whose provider can be asked what it already accepted (Postmark's search) needs no
 * `sending` row before the call, since a retry learns what a dead attempt may have sent
 * from its own attempt number (see `activities/steps/email.ts`). A row a claim left
 * `sending` (an attempt of this activity under the claim protocol) is finished instead,
 * its attempt counted; a final row is never changed. `attempts` is what the new rows
 * record: above 1 when an earlier attempt may have sent the message. `also`, a
 * data-modifying statement (e.g. the page's count), commits with the outcomes.
 */
export async function recordOnce(
  db: Db,
  key: LedgerKey,
  outcomes: readonly Outcome[],
  { attempts = 1, also }: { readonly attempts?: number; readonly also?: RawBuilder<unknown> | undefined } = {},
): Promise<void> {
  if (outcomes.length === 0) {
    if (also) await also.execute(db);
    return;
  }
  const insert = sql`
    insert into deliveries as d (run_id, node_id, customer_id, channel, status, reason, provider_message_id, devices, subject,
      attempts, seq, held_until, updated_at)
    select ${key.runId}, ${key.nodeId}, v.customer_id, ${key.channel}, v.status, v.reason, v.message_id, v.devices::jsonb,
      v.subject, ${attempts}, v.seq, ${heldUntil(key)}, now()
    from unnest(${outcomes.map((o) => o.customerId)}::uuid[], ${outcomes.map((o) => o.seq)}::int[],
      ${outcomes.map((o) => o.status)}::text[], ${outcomes.map((o) => o.reason ?? null)}::text[],
      ${outcomes.map((o) => o.providerMessageId ?? null)}::text[],
      ${outcomes.map((o) => (o.devices ? JSON.stringify(o.devices) : null))}::text[],
      ${outcomes.map((o) => o.subject ?? null)}::text[])
      as v(customer_id, seq, status, reason, message_id, devices, subject)
    on conflict (run_id, seq, node_id, channel) do update
    set status = excluded.status, reason = excluded.reason, provider_message_id = excluded.provider_message_id,
      devices = excluded.devices, subject = coalesce(excluded.subject, d.subject), attempts = d.attempts + 1, updated_at = now()
    where d.status = 'sending'`;
  if (!also) await insert.execute(db);
  else await sql`with recorded as (${insert}), also as (${also}) select 1`.execute(db);
}

/**
 * For a provider that cannot be asked what it already has (Telegram): marks a claimed row
 * as "the provider is being called" (`called`) or clears the mark after an answer that
 * certainly sent nothing (`cleared`: a 429, a refused connection). A retry finding a
 * `sending` row marked does not call again ({@link calledBefore}).
 */
export async function markCalled(db: Db, key: LedgerKey, seq: number, called: boolean): Promise<void> {
  await sql`update deliveries set called_at = ${called ? sql`now()` : null}, updated_at = now()
    where run_id = ${key.runId} and node_id = ${key.nodeId} and channel = ${key.channel} and seq = ${seq}
      and status = 'sending'`.execute(db);
}

/** Of `seqs` (rows still `sending`), those an earlier attempt called the provider for. */
export async function calledBefore(db: Db, key: LedgerKey, seqs: readonly number[]): Promise<Set<number>> {
  if (seqs.length === 0) return new Set();
  const { rows } = await sql<{ seq: number }>`select seq from deliveries
    where run_id = ${key.runId} and node_id = ${key.nodeId} and channel = ${key.channel}
      and seq = any(${[...seqs]}::int[]) and status = 'sending' and called_at is not null`.execute(db);
  return new Set(rows.map((r) => r.seq));
}

/**
 * Deletes every delivery of the given runs, for runs whose workflow never started (see
 * `deleteRuns` in `engine/runs/run-row.ts`): `deliveries` has no foreign key to `runs` to
 * cascade (migration 022). Pass the caller's transaction to delete with the run rows.
 */
export async function deleteRunDeliveries(db: Db, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  await db.deleteFrom('deliveries').where('run_id', 'in', [...runIds]).execute();
}

/** The key's quiet-hours hold as a parameter (null: none). */
function heldUntil(key: LedgerKey): RawBuilder<Date | null> {
  return sql<Date | null>`${key.heldUntil ?? null}::timestamptz`;
}

/** The seq range of a page: an index range the planner uses even on stale statistics. */
function bounds(seqs: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of seqs) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  return [lo, hi];
}
