/**
 * `POST /v1/customers` (one or a batch, upsert on externalId), `GET /v1/customers[/:id]`,
 * `PATCH /v1/customers/:id` (`email`, `birthday`, `emailConsent`; a consent change is
 * recorded in the consent history, source `staff_edit` from a session, `api` from a key).
 *
 * The list takes, all optional and combined with AND:
 * - `q`: a case-insensitive substring of the name, email or externalId;
 * - `cardId`: holders of that card;
 * - `consent`: `granted`, `withdrawn` (never agreed or withdrawn by the shop) or `unsubscribed`;
 * - `notSeenForDays`: last visit more than that many days ago, or never;
 * - `birthdayMonth`: 1–12.
 */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { merchantAuth } from './auth';
import { importCustomers } from '../../engine/customers/import';
import { DEFAULT_PUBLIC_URL } from '../../engine/wallet/wallet';
import type { CustomerInput } from '../../engine/customers/input';
import { customerJson, MAX_CUSTOMERS_PER_CALL } from './customer-input';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { BODY_LIMITS, limitBody } from './body-limits';
import { ApiError, notFound } from './errors';
import { idempotent } from './idempotency';
import { createdAfter, page, pageQuery } from './pagination';
import { changeConsent } from '../../engine/customers/consent';
import { birthday, emailAddress } from '../../engine/fields';
import { jsonBody, pathId, query, uuid } from './validate';

type ImportBody = CustomerInput | CustomerInput[] | { customers: CustomerInput[] };
/** The rows to import, and whether the body was one customer object. */
interface ImportRows {
  readonly rows: unknown[];
  readonly single: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The body's rows: an array, `{customers: [...]}`, or one customer object. Rows are
 * validated one by one later, so that one bad row does not reject the batch.
 */
const importBody = z.unknown().transform((body, ctx): ImportRows => {
  const wrapped = isObject(body) && 'customers' in body;
  const rows = Array.isArray(body) ? body : wrapped ? body['customers'] : isObject(body) ? [body] : undefined;
  const path = wrapped ? ['customers'] : [];
  if (!Array.isArray(rows)) {
    const message = wrapped
      ? 'must be an array'
      : 'must be a customer object, an array of customers or {customers: [...]}';
    ctx.addIssue({ code: 'custom', path, message });
    return z.NEVER;
  }
  if (rows.length > MAX_CUSTOMERS_PER_CALL) {
    ctx.addIssue({ code: 'custom', path, message: `must hold at most ${MAX_CUSTOMERS_PER_CALL} customers per call` });
    return z.NEVER;
  }
  return { rows, single: isObject(body) && !wrapped };
}) as unknown as z.ZodType<ImportRows, ImportBody>;

const PASS_COLUMNS = ['serial_number', 'message', 'voucher_code', 'update_tag', 'updated_at', 'wallet_token'] as const;

/** The list's filters (see the file's comment). */
const filters = {
  cardId: uuid().optional(),
  consent: z.enum(['granted', 'withdrawn', 'unsubscribed'], 'must be "granted", "withdrawn" or "unsubscribed"').optional(),
  notSeenForDays: z.coerce.number('must be a whole number of days').int('must be a whole number of days').min(1).max(3650).optional(),
  birthdayMonth: z.coerce.number('must be a month, 1–12').int('must be a month, 1–12').min(1).max(12).optional(),
};

/** `q`: a case-insensitive substring of the name, email or externalId; blank means no search. */
const listQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .max(200, 'must be at most 200 characters')
    .optional()
    .transform((v) => v || undefined),
  ...filters,
});

/** `PATCH /v1/customers/:id`: what staff may change on screen; null clears email or birthday. */
const editBody = z
  .strictObject({
    email: emailAddress().nullable().optional(),
    birthday: birthday().nullable().optional(),
    emailConsent: z.boolean('must be true or false').optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one field to change' });

/** `q` as an ILIKE pattern that matches it literally anywhere (`%`, `_` and `\` escaped). */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

/** Mounted at `/v1/customers`. */
export function customersRoutes(deps: AppDeps) {
  const { db } = deps;
  const publicUrl = deps.wallet?.publicUrl ?? DEFAULT_PUBLIC_URL;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/', limitBody(BODY_LIMITS.import), idempotent(db), jsonBody(importBody), async (c) => {
      const { rows, single } = c.req.valid('json');
      const { entered, ...result } = await importCustomers(db, c.get('merchantId'), rows);
      deps.batcher?.nudge(entered);
      const written = result.created + result.updated;
      // The status says what happened: nothing written is a 422 (with every row's error),
      // some rows refused a 200 with their errors, everything written a 201.
      if (written === 0 && result.errors.length > 0) {
        const first = result.errors[0]!;
        const message = single
          ? first.message
          : `No customer was written: ${result.errors.length} invalid (first, at index ${first.index}: ${first.message})`;
        throw new ApiError('unprocessable', message, { errors: result.errors });
      }
      return c.json(result, result.errors.length > 0 ? 200 : 201);
    })
    .get('/', query(listQuery), async (c) => {
      const { limit, cursor, q: search, cardId, consent, notSeenForDays, birthdayMonth } = c.req.valid('query');
      let q = db
        .selectFrom('customers')
        .leftJoin('passes', 'passes.customer_id', 'customers.id')
        .selectAll('customers')
        .select(PASS_COLUMNS.map((col) => `passes.${col}` as const))
        .select(sql<string>`customers.created_at::text`.as('created_at_key'))
        .where('customers.merchant_id', '=', c.get('merchantId'));
      if (cursor) q = q.where(createdAfter(cursor, 'asc', 'customers'));
      if (search) {
        const pattern = containing(search);
        q = q.where((eb) =>
          eb.or([
            eb('customers.name', 'ilike', pattern),
            eb('customers.email', 'ilike', pattern),
            eb('customers.external_id', 'ilike', pattern),
          ]),
        );
      }
      if (cardId) q = q.where('customers.card_id', '=', cardId);
      if (consent === 'granted') q = q.where('customers.email_consent', '=', true);
      if (consent === 'withdrawn') q = q.where('customers.email_consent', '=', false).where('customers.unsubscribed_at', 'is', null);
      if (consent === 'unsubscribed') q = q.where('customers.email_consent', '=', false).where('customers.unsubscribed_at', 'is not', null);
      if (notSeenForDays !== undefined) {
        const since = new Date(Date.now() - notSeenForDays * 86_400_000);
        q = q.where((eb) => eb.or([eb('customers.last_visit_at', 'is', null), eb('customers.last_visit_at', '<', since)]));
      }
      if (birthdayMonth !== undefined) q = q.where('customers.birthday_month', '=', birthdayMonth);
      const rows = await q
        .orderBy('customers.created_at')
        .orderBy('customers.id')
        .limit(limit + 1)
        .execute();
      return c.json(
        page(
          rows,
          limit,
          (row) => customerJson(row, row.serial_number === null ? undefined : (row as never), publicUrl),
          (row) => [row.created_at_key, row.id],
        ),
      );
    })
    .patch('/:id', jsonBody(editBody), async (c) => {
      const id = pathId(c.req.param('id'), 'Customer');
      const merchantId = c.get('merchantId');
      const edit = c.req.valid('json');
      const source = c.get('actor').kind === 'staff' ? 'staff_edit' : 'api';
      const found = await db.transaction().execute(async (trx) => {
        const columns = {
          ...(edit.email !== undefined ? { email: edit.email } : {}),
          ...(edit.birthday !== undefined
            ? { birthday_month: edit.birthday?.month ?? null, birthday_day: edit.birthday?.day ?? null, birthday_year: edit.birthday?.year ?? null }
            : {}),
        };
        const updated = await trx
          .updateTable('customers')
          .set({ ...columns, updated_at: new Date() })
          .where('id', '=', id)
          .where('merchant_id', '=', merchantId)
          .returning('id')
          .executeTakeFirst();
        if (!updated) return false;
        if (edit.emailConsent !== undefined) {
          await changeConsent(trx, merchantId, [id], { state: edit.emailConsent ? 'granted' : 'withdrawn', source });
        }
        return true;
      });
      if (!found) throw notFound('Customer');
      return c.json(await customerById(id, merchantId));
    })
    .get('/:id', async (c) => {
      const id = pathId(c.req.param('id'), 'Customer');
      return c.json(await customerById(id, c.get('merchantId')));
    });

  async function customerById(id: string, merchantId: string) {
    const row = await db
        .selectFrom('customers')
        .leftJoin('passes', 'passes.customer_id', 'customers.id')
        .selectAll('customers')
        .select(PASS_COLUMNS.map((col) => `passes.${col}` as const))
        .where('customers.id', '=', id)
        .where('customers.merchant_id', '=', merchantId)
        .executeTakeFirst();
    if (!row) throw notFound('Customer');
    return customerJson(row, row.serial_number === null ? undefined : (row as never), publicUrl);
  }
}
