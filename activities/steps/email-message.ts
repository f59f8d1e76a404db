/**
 * One step's email to one recipient, as the provider gets it: the merchant's layout, the
 * unsubscribe link and headers, and the metadata a retry searches by.
 */
import { createHash } from 'node:crypto';
import type { EmailStep } from '../../engine/compiler/plan';
import { renderEmail, type EmailVars } from '../../engine/channels/email/render';
import type { OutgoingEmail } from '../../engine/channels/email/types';
import { signUnsubscribe, unsubscribeUrl } from '../../engine/customers/unsubscribe-token';
import { formatPlainDate, localDate } from '../../engine/time/zoned';
import { DEFAULT_PUBLIC_URL } from '../../engine/wallet/wallet';
import type { StepContext } from './context';
import type { MessageRecipient } from './members';
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
  const rendered = renderEmail(step, emailVars(ctx, r), layout);
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

/**
 * The subject of the step's email to `r` exactly as {@link stepMessage} writes it: for a
 * message the provider already had from an earlier attempt, recorded without resending.
 */
export function stepSubject(ctx: Pick<StepContext, 'merchant'>, step: Pick<EmailStep, 'subject'>, r: EmailRecipient): string {
  return renderEmail({ subject: step.subject, body: '' }, emailVars(ctx, r)).subject;
}

/** The placeholders' values for one recipient. */
function emailVars(ctx: Pick<StepContext, 'merchant'>, r: EmailRecipient): EmailVars {
  return {
    customerName: r.name,
    cardName: r.cardName,
    stampsLeft: Math.max(0, r.stampsRequired - r.stamps),
    voucherCode: r.voucherCode,
    voucherExpiresOn: r.voucherExpiresAt ? localDay(r.voucherExpiresAt, ctx.merchant.timezone) : null,
  };
}

/** The voucher's last valid day as the customer reads it: `2026-12-01`, merchant time. */
function localDay(at: Date, timeZone: string): string {
  return formatPlainDate(localDate(at, timeZone));
}
