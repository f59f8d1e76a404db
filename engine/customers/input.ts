/**
 * One customer as clients send it (camelCase), checked field by field, and the `customers`
 * columns it writes. The import use-case (`import.ts`) checks rows with it; the API reads
 * the body's shape only.
 */
import { z } from 'zod';
import type { CustomersTable } from '../db/schema';
import { birthday, emailAddress, timestamp, uuid } from '../fields';

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
