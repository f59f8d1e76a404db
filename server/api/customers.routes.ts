/**
 * `POST /v1/customers` (one or a batch, upsert on externalId), `GET /v1/customers[/:id]`;
 * the list takes `q` to search name, email and externalId.
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
import { jsonBody, pathId, query } from './validate';

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

/** `q`: a case-insensitive substring of the name, email or externalId; blank means no search. */
const listQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .max(200, 'must be at most 200 characters')
    .optional()
    .transform((v) => v || undefined),
});

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
      const { limit, cursor, q: search } = c.req.valid('query');
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
    .get('/:id', async (c) => {
      const id = pathId(c.req.param('id'), 'Customer');
      const row = await db
        .selectFrom('customers')
        .leftJoin('passes', 'passes.customer_id', 'customers.id')
        .selectAll('customers')
        .select(PASS_COLUMNS.map((col) => `passes.${col}` as const))
        .where('customers.id', '=', id)
        .where('customers.merchant_id', '=', c.get('merchantId'))
        .executeTakeFirst();
      if (!row) throw notFound('Customer');
      return c.json(customerJson(row, row.serial_number === null ? undefined : (row as never), publicUrl));
    });
}
