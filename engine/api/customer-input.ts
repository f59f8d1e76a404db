/**
 * One customer as clients send it (camelCase) and as the API answers it, and the
 * mapping to and from the `customers` columns.
 */
import { z } from 'zod';
import type { Customer, CustomersTable } from '../db/schema';
import { birthday, emailAddress, formatBirthday } from './fields';
import { timestamp, uuid } from './validate';
import { iso, isoOrNull } from './iso';

/** The most customers one `POST /v1/customers` may carry. */
export const MAX_CUSTOMERS_PER_CALL = 10_000;

export const customerInput = z.object({
  externalId: z.string().trim().min(1).max(200).nullish(),
  name: z.string().trim().min(1).max(200),
  email: emailAddress().nullish(),
  birthday: birthday().nullish(),
  emailConsent: z.boolean().optional(),
  /** Optional when the merchant has exactly one card. */
  cardId: uuid().optional(),
  stamps: z.number().int().min(0).max(1_000_000).optional(),
  joinedAt: timestamp().optional(),
  lastVisitAt: timestamp().nullish(),
});

export type CustomerInput = z.input<typeof customerInput>;
/** A checked row, its card resolved. */
export type ValidCustomer = z.output<typeof customerInput> & { cardId: string };

/** Optional fields: on an upsert, those a row leaves out keep their stored values. */
export const OPTIONAL_FIELDS = ['email', 'birthday', 'emailConsent', 'stamps', 'joinedAt', 'lastVisitAt'] as const;
export type OptionalField = (typeof OPTIONAL_FIELDS)[number];

type Columns = Partial<Record<keyof CustomersTable, unknown>>;

/** The columns each optional field writes. */
export const FIELD_COLUMNS = {
  email: ['email'],
  birthday: ['birthday_month', 'birthday_day', 'birthday_year'],
  emailConsent: ['email_consent'],
  stamps: ['stamps'],
  joinedAt: ['joined_at'],
  lastVisitAt: ['last_visit_at'],
} as const satisfies Record<OptionalField, readonly (keyof CustomersTable)[]>;

/** The columns of a row; fields it leaves out are absent (their default on insert). */
export function customerColumns(merchantId: string, row: ValidCustomer): Columns {
  const columns: Columns = {
    merchant_id: merchantId,
    card_id: row.cardId,
    external_id: row.externalId ?? null,
    name: row.name,
  };
  if (row.email !== undefined) columns.email = row.email;
  if (row.birthday !== undefined) {
    columns.birthday_month = row.birthday?.month ?? null;
    columns.birthday_day = row.birthday?.day ?? null;
    columns.birthday_year = row.birthday?.year ?? null;
  }
  if (row.emailConsent !== undefined) columns.email_consent = row.emailConsent;
  if (row.stamps !== undefined) columns.stamps = row.stamps;
  if (row.joinedAt !== undefined) columns.joined_at = row.joinedAt;
  if (row.lastVisitAt !== undefined) columns.last_visit_at = row.lastVisitAt;
  return columns;
}

/** The optional fields a row sets, as a stable key for grouping rows of one shape. */
export function shapeOf(row: ValidCustomer): string {
  return OPTIONAL_FIELDS.filter((field) => row[field] !== undefined).join(',');
}

export interface PassRow {
  serial_number: string;
  message: string | null;
  voucher_code: string | null;
  update_tag: number;
  updated_at: Date;
}

/** A customer (and its pass) as the API answers it. */
export function customerJson(customer: Customer, pass: PassRow | undefined) {
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
    pass: pass
      ? {
          serialNumber: pass.serial_number,
          message: pass.message,
          voucherCode: pass.voucher_code,
          updateTag: Number(pass.update_tag),
          updatedAt: iso(pass.updated_at),
        }
      : null,
  };
}
