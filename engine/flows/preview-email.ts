/**
 * An email step as one customer would receive it, for the editor's preview: rendered by the
 * email activity's own renderer with the same placeholder values it fills at send time, in
 * the merchant's layout (name, brand colour, postal address, and a sample unsubscribe link).
 */
import { sql } from 'kysely';
import { renderEmail } from '../channels/email/render';
import type { Db } from '../db/database';
import { loadMerchantProfile } from '../merchants/profile';
import { formatPlainDate, localDate } from '../time/zoned';
import { fail, type Failure } from '../result';

export interface EmailPreviewInput {
  readonly subject: string;
  readonly body: string;
  /** Default: the merchant's first customer, else a sample customer. */
  readonly customerId?: string | undefined;
}

export type EmailPreviewResult =
  | {
      readonly ok: true;
      readonly subject: string;
      readonly html: string;
      readonly text: string;
      /** `id` is null for the sample customer of a merchant without customers. */
      readonly customer: { readonly id: string | null; readonly name: string };
    }
  | Failure<'not_found'>;

export const SAMPLE_CUSTOMER_NAME = 'Alex Sample';
/** Shown for `{{voucher.code}}` when the customer holds no voucher (a voucher step would issue one). */
export const SAMPLE_VOUCHER_CODE = 'SF-SAMP-LE23';
const SAMPLE_VOUCHER_DAYS = 14;
/** The footer's unsubscribe link in a preview: valid, visibly fake (`.example` is reserved). */
export const PREVIEW_UNSUBSCRIBE_URL = 'https://stampflow.example/u/preview';

/**
 * Renders the template for a customer of the merchant.
 *
 * @example
 * await previewEmail(db, merchantId, { subject: 'Hi {{customer.name}}', body: '{{stampsLeft}} to go' });
 * // { ok: true, subject: 'Hi Ada', text: '7 to go\n\n-- \nCafé Nord\n…', html: '<!DOCTYPE html>…', customer: { id, name: 'Ada' } }
 */
export async function previewEmail(db: Db, merchantId: string, input: EmailPreviewInput): Promise<EmailPreviewResult> {
  const merchant = await db
    .selectFrom('merchants')
    .select('timezone')
    .where('id', '=', merchantId)
    .executeTakeFirstOrThrow();
  const profile = await loadMerchantProfile(db, merchantId);
  let q = db
    .selectFrom('customers as c')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .select(['c.id', 'c.name', 'c.stamps', 'k.name as card_name', 'k.stamps_required'])
    .select((eb) =>
      eb
        .selectFrom('vouchers as v')
        .select(sql`json_build_object('code', v.code, 'expiresAt', v.expires_at)`.as('voucher'))
        .whereRef('v.customer_id', '=', 'c.id')
        .where('v.redeemed_at', 'is', null)
        .where('v.expires_at', '>', new Date())
        .orderBy('v.expires_at')
        .limit(1)
        .as('voucher'),
    )
    .where('c.merchant_id', '=', merchantId);
  q = input.customerId ? q.where('c.id', '=', input.customerId) : q.orderBy('c.created_at').orderBy('c.id').limit(1);
  const customer = await q.executeTakeFirst();
  if (!customer && input.customerId) return fail('not_found', 'Customer not found');

  const vars = customer
    ? {
        customerName: customer.name,
        cardName: customer.card_name,
        stampsLeft: Math.max(0, customer.stamps_required - customer.stamps),
        ...voucherVars(customer.voucher as { code: string; expiresAt: string } | null, merchant.timezone),
      }
    : { ...(await sampleVars(db, merchantId)), ...voucherVars(null, merchant.timezone) };
  const rendered = renderEmail({ subject: input.subject, body: input.body }, vars, {
    merchantName: profile.name,
    brandColor: profile.brandColor,
    postalAddress: profile.postalAddress,
    unsubscribeUrl: PREVIEW_UNSUBSCRIBE_URL,
  });
  return {
    ok: true,
    subject: rendered.subject,
    html: rendered.htmlBody,
    text: rendered.textBody,
    customer: customer ? { id: customer.id, name: customer.name } : { id: null, name: SAMPLE_CUSTOMER_NAME },
  };
}

function voucherVars(voucher: { code: string; expiresAt: string } | null, timeZone: string) {
  const code = voucher?.code ?? SAMPLE_VOUCHER_CODE;
  const expires = voucher ? new Date(voucher.expiresAt) : new Date(Date.now() + SAMPLE_VOUCHER_DAYS * 86_400_000);
  return { voucherCode: code, voucherExpiresOn: formatPlainDate(localDate(expires, timeZone)) };
}

/** A new customer of the merchant's first card. */
async function sampleVars(db: Db, merchantId: string) {
  const card = await db
    .selectFrom('cards')
    .select(['name', 'stamps_required'])
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return {
    customerName: SAMPLE_CUSTOMER_NAME,
    cardName: card?.name ?? 'Stamp card',
    stampsLeft: card?.stamps_required ?? 10,
  };
}
