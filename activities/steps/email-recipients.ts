/** Reading an email page's recipients with what the ledger already has of them, in one statement. */
import { sql } from 'kysely';
import type { EmailStep } from '../../engine/compiler/plan';
import { liveRun } from '../../engine/runs/run-live';
import type { StepContext } from './context';
import { memberVoucher, pageMembers, type MessageRecipient, type PageRef } from './members';
/**
 * An email page's recipients, read in one statement: the page's members as the other steps
 * load them (the same filter, the same voucher) with what a message needs, each address's
 * suppression, and what the ledger has of each: `todo`, the members to send to (no row yet,
 * or a row a claim of this activity left `sending`), and of those `claimedBefore` (the
 * latter: an earlier attempt may have sent them). A final row is never sent again, and a row
 * another activity's claim left `sending` is left to it. Nothing is written. A run that has
 * ended (cancelled, failed) reads no members; the statement answers the run's status (null
 * when the page is empty), and the caller stops.
 *
 * Each member's row is looked up by its full key, a probe of `deliveries_pk` per member: a
 * `lateral` subquery with `limit 1` (the key is unique), which the planner cannot flatten
 * into a join. As a join it cannot estimate the page (a `with` part) and nests loops over
 * scans that ignore the member's seq: a join on the page's seq range scanned the range once
 * per member (500 × 500 rows, the push step's rows share the seqs: ~60 ms of a 90 ms page
 * on the broadcast), and a flattened subquery without the range scanned all of the step's
 * rows once per member (30 s a page).
 */
export async function loadEmails(
  ctx: StepContext,
  step: EmailStep,
  page: PageRef,
): Promise<{ recipients: MessageRecipient[]; todo: Set<string>; claimedBefore: Set<string>; runStatus: string | null }> {
  const { runId } = page;
  const { rows } = await sql<{
    seq: number;
    customer_id: string;
    name: string;
    email: string | null;
    email_consent: boolean;
    unsubscribed: boolean;
    stamps: number;
    stamps_required: number;
    card_name: string;
    voucher_code: string | null;
    voucher_expires_at: Date | null;
    suppression: string | null;
    delivery_status: string | null;
    claim_key: string | null;
    run_status: string | null;
  }>`
    with live as (
      ${liveRun(runId)}
    ), page as (
      select m.seq, m.customer_id, c.name, c.email, c.email_consent, c.unsubscribed_at is not null as unsubscribed,
        c.stamps, k.stamps_required, k.name as card_name,
        v.code as voucher_code, v.expires_at as voucher_expires_at,
        (select s.reason from suppressions s where s.merchant_id = ${ctx.merchant.id} and s.email = c.email) as suppression
      from live, run_step_members m
      join customers c on c.id = m.customer_id
      join cards k on k.id = c.card_id
      left join lateral ${memberVoucher(runId)} as v on true
      where ${pageMembers(page)}
    )
    select t.*, d.status as delivery_status, d.claim_key,
      (select status from runs where id = ${runId}) as run_status
    from page t
    left join lateral (
      select d.status, d.claim_key from deliveries d
      where d.run_id = ${runId} and d.node_id = ${step.id} and d.channel = 'email' and d.seq = t.seq
      limit 1
    ) d on true
    order by t.seq`.execute(ctx.db);
  const recipients = rows.map((r) => ({
    seq: r.seq,
    customerId: r.customer_id,
    name: r.name,
    email: r.email,
    emailConsent: r.email_consent,
    unsubscribed: r.unsubscribed,
    stamps: r.stamps,
    stampsRequired: r.stamps_required,
    cardName: r.card_name,
    voucherCode: r.voucher_code,
    voucherExpiresAt: r.voucher_expires_at,
    suppression: r.suppression,
  }));
  const mineBefore = (r: (typeof rows)[number]) => r.delivery_status === 'sending' && r.claim_key === ctx.claimKey;
  const todo = new Set(rows.filter((r) => r.delivery_status === null || mineBefore(r)).map((r) => r.customer_id));
  const claimedBefore = new Set(rows.filter(mineBefore).map((r) => r.customer_id));
  return { recipients, todo, claimedBefore, runStatus: rows[0]?.run_status ?? null };
}
