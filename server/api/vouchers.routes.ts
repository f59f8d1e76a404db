/** `GET /v1/vouchers/:code`, `POST /v1/vouchers/:code/redeem`: vouchers by their printed code. */
import { Hono } from 'hono';
import { findVoucher, redeemVoucher, type Voucher } from '../../engine/vouchers/redeem';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { iso, isoOrNull } from './iso';

function voucherJson(v: Voucher) {
  return {
    code: v.code,
    title: v.title,
    customerId: v.customerId,
    expiresAt: iso(v.expiresAt),
    redeemedAt: isoOrNull(v.redeemedAt),
  };
}

/** Mounted at `/v1/vouchers`. Codes match in any case (`sf-7k2m-9qxa` finds `SF-7K2M-9QXA`). */
export function vouchersRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .get('/:code', async (c) => {
      const voucher = await findVoucher(db, c.get('merchantId'), c.req.param('code'));
      if (!voucher) throw notFound('Voucher');
      return c.json(voucherJson(voucher));
    })
    .post('/:code/redeem', async (c) => {
      const result = await redeemVoucher(db, c.get('merchantId'), c.req.param('code'));
      switch (result.kind) {
        case 'redeemed':
          return c.json(voucherJson(result.voucher));
        case 'not_found':
          throw notFound('Voucher');
        case 'already_redeemed': {
          const { code, redeemedAt } = result.voucher;
          const at = isoOrNull(redeemedAt);
          throw new ApiError('conflict', `Voucher ${code} was already redeemed at ${at}`, { redeemedAt: at });
        }
        case 'expired': {
          const { code, expiresAt } = result.voucher;
          throw new ApiError('conflict', `Voucher ${code} expired on ${result.expiredOn}`, {
            expiresAt: iso(expiresAt),
          });
        }
      }
    });
}
