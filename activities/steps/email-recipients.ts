/** Reading and claiming an email page's recipients in one statement. */
import { sql } from 'kysely';
import type { EmailStep } from '../../engine/compiler/plan';
import { claimParts, type Claimed } from '../../engine/deliveries/ledger';
import { liveRun } from '../../engine/runs/run-live';
import type { StepContext } from './context';
import { MEMBER_VOUCHER, pageMembers, type MessageRecipient, type PageRef } from './members';
/**
 * An email page's recipients, read and claimed in one statement: the page's members as the
 * other steps load them (the same filter, the same voucher) with what a message needs, each
 * address's suppression, and the claim of `claim` (`ledger.ts`) on exactly those members —
 * new `sending` rows, and this activity's own earlier claims still `sending` (counted as an
 * attempt). A run that has ended (cancelled, failed) reads no members and claims nothing;
 * the statement answers the run's status (null when the page is empty), and the caller stops.
 */
export async function loadAndClaimEmails(
  ctx: StepContext,
  step: EmailStep,
  page: PageRef,
): Promise<{ recipients: MessageRecipient[]; claimed: Claimed; runStatus: string | null }> {
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
    serial_number: string | null;
    voucher_code: string | null;
    voucher_expires_at: Date | null;
    suppression: string | null;
    claimed: boolean;
    retried: boolean;
    run_status: string | null;
  }>`
    with live as (
      ${liveRun(runId)}
    ), page as (
      select m.seq, m.customer_id, c.name, c.email, c.email_consent, c.unsubscribed_at is not null as unsubscribed,
        c.stamps, k.stamps_required, k.name as card_name, p.serial_number,
        v.code as voucher_code, v.expires_at as voucher_expires_at,
        (select s.reason from suppressions s where s.merchant_id = ${ctx.merchant.id} and s.email = c.email) as suppression
      from live, run_step_members m
      join customers c on c.id = m.customer_id
      join cards k on k.id = c.card_id
      left join passes p on p.customer_id = c.id
      left join lateral ${MEMBER_VOUCHER} as v on true
      where ${pageMembers(page)}
    ), ${claimParts({ runId, nodeId: step.id, channel: 'email', heldUntil: ctx.heldUntil }, ctx.claimKey, page.range, 'page')}
    select t.*, t.customer_id in (select customer_id from claimed) as claimed,
      t.customer_id in (select customer_id from retried) as retried,
      (select status from runs where id = ${runId}) as run_status
    from page t
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
    passSerial: r.serial_number,
    voucherCode: r.voucher_code,
    voucherExpiresAt: r.voucher_expires_at,
    suppression: r.suppression,
  }));
  const retried = new Set(rows.filter((r) => r.retried).map((r) => r.customer_id));
  const mine = new Set(rows.filter((r) => r.claimed || r.retried).map((r) => r.customer_id));
  return { recipients, claimed: Object.assign(mine, { retried }), runStatus: rows[0]?.run_status ?? null };
}
