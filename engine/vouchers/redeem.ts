/**
 * Looking up and redeeming a merchant's vouchers by code. A voucher is redeemed at most
 * once: the write is one conditional update, so of two concurrent redeems exactly one wins.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { localDate } from '../time/zoned';
import { passChanged } from '../wallet/pass-changes';

export interface Voucher {
  readonly code: string;
  readonly title: string;
  readonly customerId: string;
  readonly expiresAt: Date;
  readonly redeemedAt: Date | null;
}

/** What a redeem did; every kind but `redeemed` left the voucher unchanged. */
export type RedeemResult =
  | { readonly kind: 'redeemed'; readonly voucher: Voucher }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'already_redeemed'; readonly voucher: Voucher }
  /** `expiredOn` is the expiry date in merchant time, `YYYY-MM-DD`. */
  | { readonly kind: 'expired'; readonly voucher: Voucher; readonly expiredOn: string };

/** Longer than any code we issue; a longer path segment cannot be one, so it is not looked up. */
const MAX_CODE_LENGTH = 64;

/**
 * Codes are issued upper-case (`SF-7K2M-9QXA`), so comparing with the upper-cased input is
 * case-insensitive and still uses the unique index on `code`.
 */
function normalise(code: string): string | undefined {
  const trimmed = code.trim();
  return trimmed.length === 0 || trimmed.length > MAX_CODE_LENGTH ? undefined : trimmed.toUpperCase();
}

const COLUMNS = ['code', 'title', 'customer_id', 'expires_at', 'redeemed_at'] as const;

function toVoucher(row: {
  code: string;
  title: string;
  customer_id: string;
  expires_at: Date;
  redeemed_at: Date | null;
}): Voucher {
  return {
    code: row.code,
    title: row.title,
    customerId: row.customer_id,
    expiresAt: row.expires_at,
    redeemedAt: row.redeemed_at,
  };
}

/** The merchant's voucher with this code (any case), or undefined. */
export async function findVoucher(db: Db, merchantId: string, code: string): Promise<Voucher | undefined> {
  const normalised = normalise(code);
  if (normalised === undefined) return undefined;
  const row = await db
    .selectFrom('vouchers')
    .select(COLUMNS)
    .where('merchant_id', '=', merchantId)
    .where('code', '=', normalised)
    .executeTakeFirst();
  return row && toVoucher(row);
}

/**
 * Redeems the merchant's voucher with this code now, unless it is unknown, redeemed or
 * expired (an expiry at exactly now counts as expired).
 *
 * @example
 * const result = await redeemVoucher(db, merchantId, 'sf-7k2m-9qxa');
 * if (result.kind === 'redeemed') showReward(result.voucher.title);
 */
export async function redeemVoucher(db: Db, merchantId: string, code: string): Promise<RedeemResult> {
  const normalised = normalise(code);
  if (normalised === undefined) return { kind: 'not_found' };
  const redeemed = await db
    .updateTable('vouchers')
    .set({ redeemed_at: sql<Date>`now()` })
    .where('merchant_id', '=', merchantId)
    .where('code', '=', normalised)
    .where('redeemed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (redeemed) {
    // The pass stops showing the voucher: devices fetch it again on their next check.
    await sql`update passes p set ${passChanged('p')} where p.customer_id = ${redeemed.customer_id} and p.voucher_code = ${redeemed.code}`.execute(
      db,
    );
    return { kind: 'redeemed', voucher: toVoucher(redeemed) };
  }

  // Nothing changed: read why. A concurrent redeem that won is seen here as redeemed.
  const row = await db
    .selectFrom('vouchers')
    .innerJoin('merchants', 'merchants.id', 'vouchers.merchant_id')
    .select(COLUMNS.map((c) => `vouchers.${c}` as const))
    .select('merchants.timezone')
    .where('vouchers.merchant_id', '=', merchantId)
    .where('vouchers.code', '=', normalised)
    .executeTakeFirst();
  if (!row) return { kind: 'not_found' };
  const voucher = toVoucher(row);
  if (voucher.redeemedAt !== null) return { kind: 'already_redeemed', voucher };
  const { year, month, day } = localDate(voucher.expiresAt, row.timezone);
  const expiredOn = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { kind: 'expired', voucher, expiredOn };
}
