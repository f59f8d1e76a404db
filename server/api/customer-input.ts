/**
 * One customer as the API answers it, and how many one call may carry. What a client may
 * send is checked in `engine/customers/input.ts`.
 */
import type { Customer } from '../../engine/db/schema';
import { formatBirthday } from '../../engine/fields';
import { withoutChangeMark } from '../../engine/wallet/pass-changes';
import { walletPageUrl } from '../../engine/wallet/wallet';
import { iso, isoOrNull } from './iso';

/** The most customers one `POST /v1/customers` may carry. */
export const MAX_CUSTOMERS_PER_CALL = 10_000;

export interface PassRow {
  serial_number: string;
  message: string | null;
  voucher_code: string | null;
  update_tag: number;
  updated_at: Date;
  wallet_token: string;
}

/** A customer (and its pass) as the API answers it; `publicUrl` is where customers reach us. */
export function customerJson(customer: Customer, pass: PassRow | undefined, publicUrl: string) {
  return {
    id: customer.id,
    externalId: customer.external_id,
    name: customer.name,
    email: customer.email,
    birthday: formatBirthday(customer.birthday_month, customer.birthday_day, customer.birthday_year),
    emailConsent: customer.email_consent,
    cardId: customer.card_id,
    stamps: customer.stamps,
    joinedAt: iso(customer.joined_at),
    lastVisitAt: isoOrNull(customer.last_visit_at),
    /** The customer's page with "Add to Apple Wallet" and "Save to Google Wallet". */
    walletUrl: pass ? walletPageUrl(publicUrl, pass.wallet_token) : null,
    pass: pass
      ? {
          serialNumber: pass.serial_number,
          message: pass.message === null ? null : withoutChangeMark(pass.message),
          voucherCode: pass.voucher_code,
          updateTag: Number(pass.update_tag),
          updatedAt: iso(pass.updated_at),
        }
      : null,
  };
}
