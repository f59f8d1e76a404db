/**
 * One customer's pass as Apple's and Google's wallets show it, read in one query from the
 * pass, the customer, the card, the merchant and the voucher on the pass.
 */
import type { PassContent } from '../channels/wallet/types';
import type { Db } from '../db/database';
import { formatPlainDate, localDate } from '../time/zoned';
import { passNearby } from './nearby';
import { appleWebServiceUrl, walletPageUrl } from './wallet';

export interface StoredPass {
  readonly content: PassContent;
  readonly customerId: string;
  readonly merchantId: string;
  readonly cardId: string;
  readonly walletToken: string;
  readonly googleClassId: string | null;
  readonly googleObjectId: string | null;
}

/** Finds a pass by its serial number or by the customer's wallet token. */
export type PassKey = { readonly serialNumber: string } | { readonly walletToken: string };

/** @param publicUrl `STAMPFLOW_PUBLIC_URL`: the web service and the card page live under it. */
export async function loadPass(db: Db, key: PassKey, publicUrl: string): Promise<StoredPass | undefined> {
  let q = db
    .selectFrom('passes as p')
    .innerJoin('customers as c', 'c.id', 'p.customer_id')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
    .leftJoin('vouchers as v', 'v.code', 'p.voucher_code')
    .leftJoin('card_logos as kl', 'kl.card_id', 'k.id')
    .select([
      'p.serial_number',
      'p.authentication_token',
      'p.message',
      'p.updated_at',
      'p.wallet_token',
      'p.google_object_id',
      'p.nearby_text',
      'p.nearby_from',
      'p.nearby_until',
      'p.message_has_more',
      'c.id as customer_id',
      'c.name as customer_name',
      'c.stamps',
      'c.merchant_id',
      'k.id as card_id',
      'k.name as card_name',
      'k.stamps_required',
      'k.reward',
      'k.background_color',
      'k.foreground_color',
      'k.label_color',
      'k.google_class_id',
      'm.name as merchant_name',
      'm.timezone',
      'm.locations',
      'v.code as voucher_code',
      'v.title as voucher_title',
      'v.expires_at as voucher_expires_at',
      'v.redeemed_at as voucher_redeemed_at',
      'kl.png as logo',
    ]);
  q =
    'serialNumber' in key
      ? q.where('p.serial_number', '=', key.serialNumber)
      : q.where('p.wallet_token', '=', key.walletToken);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const voucher =
    row.voucher_code && row.voucher_title && row.voucher_expires_at && !row.voucher_redeemed_at
      ? {
          code: row.voucher_code,
          title: row.voucher_title,
          expiresOn: formatPlainDate(localDate(row.voucher_expires_at, row.timezone)),
        }
      : null;
  return {
    content: {
      serialNumber: row.serial_number,
      authenticationToken: row.authentication_token,
      webServiceUrl: appleWebServiceUrl(publicUrl),
      organizationName: row.merchant_name,
      cardName: row.card_name,
      customerName: row.customer_name,
      stamps: row.stamps,
      stampsRequired: row.stamps_required,
      reward: row.reward,
      barcode: row.customer_id,
      colors: { background: row.background_color, foreground: row.foreground_color, label: row.label_color },
      message: row.message,
      voucher,
      updatedAt: row.updated_at,
      pageUrl: walletPageUrl(publicUrl, row.wallet_token),
      messageHasMore: row.message_has_more,
      logo: row.logo,
      nearby: passNearby(
        {
          locations: row.locations,
          text: row.nearby_text,
          from: row.nearby_from,
          until: row.nearby_until,
          stampsLeft: Math.max(0, row.stamps_required - row.stamps),
          reward: row.reward,
        },
        new Date(),
      ),
    },
    customerId: row.customer_id,
    merchantId: row.merchant_id,
    cardId: row.card_id,
    walletToken: row.wallet_token,
    googleClassId: row.google_class_id,
    googleObjectId: row.google_object_id,
  };
}
