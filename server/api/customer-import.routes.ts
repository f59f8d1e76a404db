/**
 * `POST /v1/customers/import?mode=preview|confirm[&cardId=…]`: a customer list as CSV (the
 * raw file as the body, `text/csv`, at most 1 MB). Each line is checked with the rules of
 * `POST /v1/customers`; rows without a card column join `cardId` (or the merchant's only card).
 *
 * - `preview` (the default) writes nothing and answers every row with its line, name, email
 *   and `action`: `create`, `update` (its external id is known) or `error` with the message.
 * - `confirm` writes every good row in one transaction and answers `{created, updated,
 *   errors: [{line, message}]}`; the bad rows are left out.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { csvRows } from '../../engine/customers/csv-rows';
import { importCustomers, previewCustomers } from '../../engine/customers/import';
import { merchantAuth } from './auth';
import { BODY_LIMITS, limitBody } from './body-limits';
import { MAX_CUSTOMERS_PER_CALL } from './customer-input';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError } from './errors';
import { query, uuid } from './validate';

const importQuery = z.object({
  mode: z.enum(['preview', 'confirm'], 'must be "preview" or "confirm"').default('preview'),
  cardId: uuid().optional(),
});

/** The API's field names as a spreadsheet's columns are called (see `engine/customers/csv-rows.ts`). */
const COLUMN_WORDS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  birthday: 'Birthday',
  emailConsent: 'Email consent',
  externalId: 'Customer id',
  stamps: 'Stamps',
  cardId: 'Card',
  lastVisitAt: 'Last visit',
  joinedAt: 'Joined',
};

/** Mounted at `/v1/customers`. */
export function customerImportRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>().post('/import', merchantAuth(db), limitBody(BODY_LIMITS.json), query(importQuery), async (c) => {
    const { mode, cardId } = c.req.valid('query');
    const text = await c.req.text();
    if (text.trim() === '') throw new ApiError('bad_request', 'Send the CSV file as the request body', { problem: 'empty_body' });
    const parsed = csvRows(text, MAX_CUSTOMERS_PER_CALL);
    if (!parsed.ok) throw new ApiError('bad_request', parsed.message, { problem: 'unreadable_csv', line: parsed.line ?? null });
    const rows = parsed.rows.map((r) => (cardId && r.customer['cardId'] === undefined ? { ...r.customer, cardId } : r.customer));
    const lineOf = (index: number) => parsed.rows[index]?.line ?? 0;
    // The rules speak of rows by index and of fields by their API names; a file's reader
    // counts lines and sees columns.
    const inLines = (message: string) =>
      message
        .replace(/at index (\d+)/g, (_, i: string) => `on line ${lineOf(Number(i))}`)
        .replace(/(^|; )(\w+):/g, (whole, before: string, field: string) =>
          COLUMN_WORDS[field] ? `${before}${COLUMN_WORDS[field]}:` : whole,
        );
    const merchantId = c.get('merchantId');

    if (mode === 'preview') {
      const preview = await previewCustomers(db, merchantId, rows);
      const items = preview.rows.map((row, index) => ({
        line: lineOf(index),
        name: text_(rows[index]?.['name']),
        email: text_(rows[index]?.['email']),
        ...(row.action === 'error' ? { action: row.action, message: inLines(row.message) } : row),
      }));
      const count = (action: string) => items.filter((i) => i.action === action).length;
      return c.json({
        mode,
        counts: { create: count('create'), update: count('update'), error: count('error') },
        ignoredColumns: parsed.ignoredColumns,
        rows: items,
      });
    }
    const { entered, ...result } = await importCustomers(db, merchantId, rows);
    deps.batcher?.nudge(entered);
    return c.json({
      mode,
      created: result.created,
      updated: result.updated,
      errors: result.errors.map((e) => ({ line: lineOf(e.index), message: inLines(e.message) })),
    });
  });
}

const text_ = (v: unknown): string | null => (typeof v === 'string' ? v : null);
