/**
 * Email step: claims each message in the ledger, skips customers who cannot or must not
 * be mailed (no address, no consent, suppressed), sends the rest in one batch and
 * records the provider's answer for each message.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { EmailStep } from '../../engine/flow/plan';
import { claim, record, type Outcome } from '../deliveries/ledger';
import { createOutboxSender } from '../channels/email/outbox-sender';
import { renderEmail } from '../channels/email/render';
import { settledBeforeFailure } from '../channels/email/postmark-sender';
import type { EmailSender, OutgoingEmail, SendResult } from '../channels/email/types';
import { log } from '../../engine/log';
import type { StepContext } from './context';
import { cappedCustomers, FREQUENCY_CAP } from './frequency-cap';
import { formatPlainDate, localDate } from '../../engine/time/zoned';
import type { RecipientRow } from './members';
import { signUnsubscribe, unsubscribeSecret, unsubscribeUrl } from '../../engine/customers/unsubscribe-token';
import { DEFAULT_PUBLIC_URL } from '../../engine/wallet/wallet';

/**
 * @param page identifies the page (its first seq) in every message's metadata, so a retry
 * can ask the provider which of the page's messages it already accepted.
 */
export async function emailPage(
  ctx: StepContext,
  runId: string,
  step: EmailStep,
  recipients: readonly RecipientRow[],
  page: number,
): Promise<void> {
  const key = { runId, nodeId: step.id, channel: 'email' as const };
  const mine = await claim(ctx.db, key, recipients, ctx.claimKey);
  let todo = recipients.filter((r) => mine.has(r.customerId));
  if (todo.length === 0) return;

  const sender = ctx.channels.emailSender ?? createOutboxSender(ctx.db, ctx.merchant.id);
  const batch = batchKey(runId, step.id, page);
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
      if (todo.length === 0) return;
    }
  }

  const suppressed = await suppressedAddresses(ctx, todo);
  const outcomes: Outcome[] = [];
  const eligible: RecipientRow[] = [];
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
  await record(ctx.db, key, outcomes);
  if (eligible.length === 0) return;

  const secret = await unsubscribeSecret(ctx.db);
  const messages = eligible.map((r) => message(ctx, runId, step, r, secret, batch));
  let results;
  try {
    results = await sender.sendBatch(messages);
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
  await record(ctx.db, key, answered);
  await rememberSuppressions(ctx, eligible, answered);
}

/** The ledger outcomes for the first `results.length` recipients. */
function answers(recipients: readonly RecipientRow[], results: readonly SendResult[]): Outcome[] {
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
  eligible: readonly RecipientRow[],
  retried: ReadonlySet<string>,
): Promise<{ r: RecipientRow; messageId: string }[]> {
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
 * Names one page of one step of one run in the messages' metadata: Postmark searches by one
 * metadata field at a time, with values of at most 80 characters, so it is one short hash.
 */
function batchKey(runId: string, nodeId: string, page: number): string {
  return createHash('sha256').update(`${runId}/${nodeId}/${page}`).digest('hex').slice(0, 32);
}

function message(
  ctx: StepContext,
  runId: string,
  step: EmailStep,
  r: RecipientRow,
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

async function suppressedAddresses(ctx: StepContext, rows: readonly RecipientRow[]): Promise<Map<string, string>> {
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
  rows: readonly RecipientRow[],
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
