/**
 * Email step: claims each message in the ledger, skips customers who cannot or must not
 * be mailed (no address, no consent, suppressed), sends the rest in one batch and
 * records the provider's answer for each message.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { EmailStep } from '../../engine/compiler/plan';
import { claim, claimParts, record, type Claimed, type Outcome } from '../../engine/deliveries/ledger';
import { createOutboxSender } from '../../engine/channels/email/outbox-sender';
import { renderEmail } from '../../engine/channels/email/render';
import { settledBeforeFailure } from '../../engine/channels/email/postmark-sender';
import type { EmailSender, OutgoingEmail, SendResult } from '../../engine/channels/email/types';
import { log } from '../../engine/log';
import type { StepContext } from './context';
import { cappedCustomers, FREQUENCY_CAP } from '../../engine/deliveries/frequency-cap';
import { formatPlainDate, localDate } from '../../engine/time/zoned';
import { enteredRow } from './entered';
import { MEMBER_VOUCHER, pageMembers, type MessageRecipient, type PageRef } from './members';
import { signUnsubscribe, unsubscribeSecret, unsubscribeUrl } from '../../engine/customers/unsubscribe-token';
import { DEFAULT_PUBLIC_URL } from '../../engine/wallet/wallet';
import { liveRun } from '../../engine/runs/run-live';

/**
 * @param page identifies the page (its first seq) in every message's metadata, so a retry
 * can ask the provider which of the page's messages it already accepted.
 * @param count when true, the page's `run_step_pages` row is written with the page's last
 * ledger write (one statement); returns whether it was (the caller writes it otherwise).
 * @param claimed the page's claim, when the caller made it as it read the page
 * ({@link loadAndClaimEmails}); otherwise it is made here.
 */
export async function emailPage(
  ctx: StepContext,
  step: EmailStep,
  recipients: readonly MessageRecipient[],
  page: PageRef,
  { count = false, claimed }: { readonly count?: boolean; readonly claimed?: Claimed | undefined } = {},
): Promise<boolean> {
  const { runId } = page;
  const key = { runId, nodeId: step.id, channel: 'email' as const };
  const mine = claimed ?? (await claim(ctx.db, key, recipients, ctx.claimKey));
  let todo = recipients.filter((r) => mine.has(r.customerId));
  if (todo.length === 0) return false;

  const sender = ctx.channels.emailSender ?? createOutboxSender(ctx.db, ctx.merchant.id);
  const batch = batchKey(runId, step.id, page.range.from);
  if (mine.retried.size > 0) {
    // First what the provider already has from a dead attempt: it was sent, whatever the
    // customer's consent or the caps say now.
    const already = await acceptedBefore(sender, { batch }, todo, mine.retried);
    if (already.length > 0) {
      await record(
        ctx.db,
        key,
        already.map(({ r, messageId }) => ({
          seq: r.seq,
          customerId: r.customerId,
          status: 'sent',
          providerMessageId: messageId,
        })),
      );
      const done = new Set(already.map(({ r }) => r.customerId));
      todo = todo.filter((r) => !done.has(r.customerId));
      if (todo.length === 0) return false;
    }
  }

  const suppressed = await suppressedAddresses(ctx, todo);
  const outcomes: Outcome[] = [];
  const eligible: MessageRecipient[] = [];
  for (const r of todo) {
    const who = { seq: r.seq, customerId: r.customerId };
    // A suppression names its cause (a bounce, a complaint), so it is said before consent.
    if (!r.email) outcomes.push({ ...who, status: 'skipped', reason: 'no_email' });
    else if (suppressed.has(r.email))
      outcomes.push({ ...who, status: 'suppressed', reason: `suppressed: ${suppressed.get(r.email)}` });
    else if (!r.emailConsent)
      outcomes.push({ ...who, status: 'skipped', reason: r.unsubscribed ? 'unsubscribed' : 'no_consent' });
    else eligible.push(r);
  }
  const capped = await cappedCustomers(
    ctx.db,
    'email',
    eligible.map((r) => r.customerId),
    ctx.caps.email,
  );
  if (capped.size > 0) {
    for (const r of eligible)
      if (capped.has(r.customerId))
        outcomes.push({ seq: r.seq, customerId: r.customerId, status: 'skipped', reason: FREQUENCY_CAP });
    eligible.splice(0, eligible.length, ...eligible.filter((r) => !capped.has(r.customerId)));
  }
  if (eligible.length === 0) {
    // Nobody to send to: the skips are the page's last write, with its count.
    await record(ctx.db, key, outcomes, count ? enteredRow(step.id, page, recipients.length) : undefined);
    return count;
  }
  await record(ctx.db, key, outcomes);

  const secret = await unsubscribeSecret(ctx.db);
  const messages = eligible.map((r) => stepMessage(ctx, runId, step, r, secret, batch));
  let results;
  try {
    results = await sendOrFindAccepted(sender, messages, batch, eligible);
  } catch (err) {
    // Calls that went through before the failure are recorded, so a retry never repeats them.
    await record(ctx.db, key, answers(eligible, settledBeforeFailure(err)));
    // A final provider refusal (bad token, bad request): record why, so the run's
    // history answers "why did this customer get nothing?". Retryable errors leave the
    // rows `sending` for the retry.
    if (err instanceof ApplicationFailure && err.nonRetryable) {
      const reason = `provider: ${err.message}`;
      await record(
        ctx.db,
        key,
        eligible.map((r) => ({ seq: r.seq, customerId: r.customerId, status: 'failed' as const, reason })),
      );
      // (rows recorded above as settled keep their status: `record` only changes `sending` rows)
    }
    throw err;
  }
  if (results.length !== eligible.length) {
    throw ApplicationFailure.nonRetryable(
      `provider answered ${results.length} results for ${eligible.length} messages`,
      'ProviderProtocolError',
    );
  }
  const answered = answers(eligible, results);
  await record(ctx.db, key, answered, count ? enteredRow(step.id, page, recipients.length) : undefined);
  await rememberSuppressions(ctx, eligible, answered);
  return count;
}

/**
 * Sends the batch; while the call is stuck (no answer after the sender's `stuckAfterMs`,
 * and then at that interval) asks the provider which of the batch's messages it has
 * accepted. When it has accepted every one, they were sent: their results are the
 * provider's message ids, and the page goes on without waiting out the call's timeout (the
 * call's own answer, whenever it comes, is not needed: the search found every message it
 * could report). When the search finds fewer, or cannot answer, the call is waited for as
 * before: nothing is resent while it is pending, so waiting less never doubles a message.
 */
async function sendOrFindAccepted(
  sender: EmailSender,
  messages: OutgoingEmail[],
  batch: string,
  eligible: readonly MessageRecipient[],
): Promise<SendResult[]> {
  const call = sender.sendBatch(messages);
  const findAccepted = sender.findAccepted?.bind(sender);
  const stuckAfterMs = sender.stuckAfterMs;
  if (!findAccepted || stuckAfterMs === undefined) return call;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const answered = call.finally(() => {
    settled = true;
    clearTimeout(timer);
  });
  const found = new Promise<SendResult[]>((resolve) => {
    const look = async () => {
      if (settled) return;
      try {
        const accepted = await findAccepted({ batch });
        const ids = eligible.map((r) => accepted.get(r.customerId));
        if (!settled && ids.every((id) => id !== undefined)) {
          return resolve(ids.map((id) => ({ status: 'sent', providerMessageId: id ?? '' })));
        }
      } catch {
        // The search cannot say now: the call is waited for, and the search asked again.
      }
      if (!settled) timer = setTimeout(() => void look(), stuckAfterMs);
    };
    timer = setTimeout(() => void look(), stuckAfterMs);
  });
  const first = await Promise.race([answered.then((r) => ({ r })), found.then((r) => ({ r, found: true }))]);
  if ('found' in first) {
    settled = true;
    clearTimeout(timer);
    answered.catch(() => undefined); // its late failure (a timeout) changes nothing now
  }
  return first.r;
}

/** The ledger outcomes for the first `results.length` recipients. */
function answers(recipients: readonly MessageRecipient[], results: readonly SendResult[]): Outcome[] {
  return results.map((res, i) => {
    const who = { seq: recipients[i]?.seq ?? 0, customerId: recipients[i]?.customerId ?? '' };
    return res.status === 'sent'
      ? { ...who, status: 'sent', providerMessageId: res.providerMessageId }
      : { ...who, status: res.status, reason: res.reason };
  });
}

/**
 * Of the messages a dead attempt claimed (`retried`), those the provider already accepted:
 * recorded as sent instead of sent again. When the provider cannot say, nothing: they are
 * resent, and a repeat shows as `attempts > 1` as before.
 */
async function acceptedBefore(
  sender: EmailSender,
  metadata: Record<string, string>,
  eligible: readonly MessageRecipient[],
  retried: ReadonlySet<string>,
): Promise<{ r: MessageRecipient; messageId: string }[]> {
  if (!sender.findAccepted) return [];
  let accepted: Map<string, string>;
  try {
    accepted = await sender.findAccepted(metadata);
  } catch (err) {
    log.warn('could not ask the email provider what it already accepted; resending the claimed messages', {
      ...metadata,
      err,
    });
    return [];
  }
  return eligible.flatMap((r) => {
    const messageId = retried.has(r.customerId) ? accepted.get(r.customerId) : undefined;
    return messageId ? [{ r, messageId }] : [];
  });
}

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
    ), ${claimParts({ runId, nodeId: step.id, channel: 'email' }, ctx.claimKey, page.range, 'page')}
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

/**
 * Names one page of one step of one run in the messages' metadata: Postmark searches by one
 * metadata field at a time, with values of at most 80 characters, so it is one short hash.
 */
export function batchKey(runId: string, nodeId: string, page: number): string {
  return createHash('sha256').update(`${runId}/${nodeId}/${page}`).digest('hex').slice(0, 32);
}

/** What a broadcast email needs to know about its recipient. */
export type EmailRecipient = Pick<
  MessageRecipient,
  'customerId' | 'name' | 'email' | 'cardName' | 'stamps' | 'stampsRequired' | 'voucherCode' | 'voucherExpiresAt'
>;

/**
 * One step's email to one recipient, exactly as it goes to the provider: the merchant's
 * layout with the visible unsubscribe link, the one-click unsubscribe headers, and the
 * metadata a retry searches by. (The benchmark's direct script sends the same messages.)
 */
export function stepMessage(
  ctx: Pick<StepContext, 'channels' | 'merchant'>,
  runId: string,
  step: Pick<EmailStep, 'id' | 'subject' | 'body'>,
  r: EmailRecipient,
  secret: string,
  batch: string,
): OutgoingEmail {
  // Every marketing email carries its own one-click unsubscribe (RFC 8058): the header pair
  // for mail clients and a visible link in the footer, both the same signed URL.
  const unsubscribe = unsubscribeUrl(
    ctx.channels.publicUrl ?? DEFAULT_PUBLIC_URL,
    signUnsubscribe(secret, { merchantId: ctx.merchant.id, customerId: r.customerId }),
  );
  const layout = {
    merchantName: ctx.merchant.name,
    brandColor: ctx.merchant.brandColor,
    postalAddress: ctx.merchant.postalAddress,
    unsubscribeUrl: unsubscribe,
  };
  const rendered = renderEmail(
    step,
    {
      customerName: r.name,
      cardName: r.cardName,
      stampsLeft: Math.max(0, r.stampsRequired - r.stamps),
      voucherCode: r.voucherCode,
      voucherExpiresOn: r.voucherExpiresAt ? localDay(r.voucherExpiresAt, ctx.merchant.timezone) : null,
    },
    layout,
  );
  return {
    from: ctx.merchant.emailFrom ?? ctx.channels.emailFrom,
    to: r.email ?? '',
    subject: rendered.subject,
    textBody: rendered.textBody,
    htmlBody: rendered.htmlBody,
    messageStream: ctx.channels.broadcastStream,
    headers: [
      { name: 'List-Unsubscribe', value: `<${unsubscribe}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    metadata: { runId, nodeId: step.id, customerId: r.customerId, batch },
    tag: step.id,
  };
}

/** Suppressed addresses among `rows`: as read with the rows, or else asked now. */
async function suppressedAddresses(ctx: StepContext, rows: readonly MessageRecipient[]): Promise<Map<string, string>> {
  if (rows.every((r) => r.suppression !== undefined)) {
    return new Map(
      rows.flatMap((r) => (r.email && typeof r.suppression === 'string' ? [[r.email, r.suppression] as const] : [])),
    );
  }
  const emails = rows.flatMap((r) => (r.email ? [r.email] : []));
  if (emails.length === 0) return new Map();
  const found = await ctx.db
    .selectFrom('suppressions')
    .select(['email', 'reason'])
    .where('merchant_id', '=', ctx.merchant.id)
    .where('email', 'in', emails)
    .execute();
  return new Map(found.map((s) => [s.email, s.reason]));
}

/** An address the provider calls inactive is not mailed again by any later run. */
async function rememberSuppressions(
  ctx: StepContext,
  rows: readonly MessageRecipient[],
  outcomes: readonly Outcome[],
): Promise<void> {
  const values = rows
    .filter((_, i) => outcomes[i]?.status === 'suppressed')
    .map((r) => ({ merchant_id: ctx.merchant.id, email: r.email ?? '', reason: 'inactive_recipient' }));
  if (values.length === 0) return;
  await ctx.db
    .insertInto('suppressions')
    .values(values)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The voucher's last valid day as the customer reads it: `2026-12-01`, merchant time. */
function localDay(at: Date, timeZone: string): string {
  return formatPlainDate(localDate(at, timeZone));
}
