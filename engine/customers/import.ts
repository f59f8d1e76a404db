/**
 * Batch upsert of customers: each row is validated on its own; invalid rows are reported
 * by index and not written, the valid ones are written in one transaction with
 * multi-row inserts of up to 1,000 rows. Rows with an `externalId` are upserted on
 * (merchant_id, external_id); fields a row leaves out keep their stored values.
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { Db } from '../db/database';
import { newPassCredentials } from '../auth/pass-credentials';
import { recordImportedConsent } from './consent';
import { enterEventFlows } from '../runs/event-entries';
import { passChanged } from '../wallet/pass-changes';
import { customerColumns, customerInput, FIELD_COLUMNS, OPTIONAL_FIELDS, shapeOf, type ValidCustomer } from './input';

const CHUNK = 1_000;

export interface ImportResult {
  created: number;
  updated: number;
  errors: { index: number; message: string }[];
  /** New entries of flows triggered by `joined` (for the cohort batcher; not part of the answer). */
  entered: number;
}

interface Checked {
  valid: ValidCustomer[];
  errors: ImportResult['errors'];
}

/** Why a row without `cardId` cannot be placed, or undefined when the one card is implied. */
function missingCardReason(cardCount: number): string {
  return cardCount === 0
    ? 'cardId: the merchant has no card yet: create one with POST /v1/cards'
    : `cardId: required, this merchant has ${cardCount} cards`;
}

function check(rows: readonly unknown[], cardIds: ReadonlySet<string>): Checked {
  // A merchant with exactly one card needs no cardId: that card is meant.
  const onlyCard = cardIds.size === 1 ? [...cardIds][0] : undefined;
  const valid: ValidCustomer[] = [];
  const errors: ImportResult['errors'] = [];
  const seen = new Map<string, number>();
  rows.forEach((value, index) => {
    const result = customerInput.safeParse(value);
    if (!result.success) {
      const message = result.error.issues
        .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
        .join('; ');
      errors.push({ index, message });
      return;
    }
    const cardId = result.data.cardId ?? onlyCard;
    if (cardId === undefined) {
      errors.push({ index, message: missingCardReason(cardIds.size) });
      return;
    }
    const row: ValidCustomer = { ...result.data, cardId };
    if (!cardIds.has(row.cardId)) {
      errors.push({ index, message: `cardId: no card ${row.cardId} belongs to this merchant` });
      return;
    }
    if (row.externalId) {
      const first = seen.get(row.externalId);
      if (first !== undefined) {
        errors.push({ index, message: `externalId: "${row.externalId}" already appears at index ${first}` });
        return;
      }
      seen.set(row.externalId, index);
    }
    valid.push(row);
  });
  return { valid, errors };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

async function writeChunk(trx: Transaction<Database>, merchantId: string, rows: readonly ValidCustomer[]) {
  const values = rows.map((row) => customerColumns(merchantId, row)) as never[];
  const first = rows[0];
  if (!first) return { created: 0, updated: 0, entered: 0 };
  const insert = trx.insertInto('customers').values(values);
  let written: { id: string; card_id: string; inserted: boolean }[];
  if (first.externalId) {
    const columns = OPTIONAL_FIELDS.filter((field) => first[field] !== undefined).flatMap((f) => FIELD_COLUMNS[f]);
    written = await insert
      .onConflict((oc) =>
        oc.columns(['merchant_id', 'external_id']).doUpdateSet((eb) => {
          const set: Record<string, unknown> = {
            name: eb.ref('excluded.name'),
            card_id: eb.ref('excluded.card_id'),
            updated_at: sql`now()`,
          };
          for (const column of columns) set[column] = eb.ref(`excluded.${column}`);
          // An import never re-grants consent to a customer who unsubscribed (see consent.ts).
          if ('email_consent' in set) {
            set.email_consent = sql`case when customers.unsubscribed_at is not null then false else excluded.email_consent end`;
          }
          return set as never;
        }),
      )
      .returning(['id', 'card_id', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute();
  } else {
    written = (await insert.returning(['id', 'card_id']).execute()).map((r) => ({ ...r, inserted: true }));
  }
  const created = written.filter((r) => r.inserted);
  const createdIds = created.map((r) => r.id);
  const updatedIds = written.filter((r) => !r.inserted).map((r) => r.id);
  if (updatedIds.length > 0) {
    // The pass shows the customer's name: devices fetch it again on their next check.
    await sql`update passes p set ${passChanged('p')} where p.customer_id = any(${updatedIds}::uuid[])`.execute(trx);
  }
  if (createdIds.length > 0) {
    await trx
      .insertInto('passes')
      .values(createdIds.map((customer_id) => ({ customer_id, ...newPassCredentials() })))
      .execute();
  }
  await recordImportedConsent(
    trx,
    merchantId,
    written.map((r) => r.id),
  );
  // A new customer enters the merchant's welcome journeys, once per flow.
  const joined = created.map((r) => ({ customerId: r.id, cardId: r.card_id, key: 'joined' }));
  const entered = await enterEventFlows(trx, merchantId, 'joined', joined);
  return { created: createdIds.length, updated: written.length - createdIds.length, entered };
}

/** What an import of `rows` would do to each, without writing anything. */
export interface ImportPreview {
  /** Per row, by index: `create`, `update` (its externalId is known), or why it is refused. */
  readonly rows: readonly ({ readonly action: 'create' | 'update' } | { readonly action: 'error'; readonly message: string })[];
}

/**
 * Checks `rows` with the import's own rules and looks up which externalIds exist: the
 * preview of {@link importCustomers}, read-only.
 */
export async function previewCustomers(db: Db, merchantId: string, rows: readonly unknown[]): Promise<ImportPreview> {
  const cards = await db.selectFrom('cards').select('id').where('merchant_id', '=', merchantId).execute();
  const { valid, errors } = check(rows, new Set(cards.map((card) => card.id)));
  const externalIds = valid.flatMap((row) => (row.externalId ? [row.externalId] : []));
  const known = new Set(
    externalIds.length === 0
      ? []
      : (
          await db
            .selectFrom('customers')
            .select('external_id')
            .where('merchant_id', '=', merchantId)
            .where('external_id', 'in', externalIds)
            .execute()
        ).map((r) => r.external_id),
  );
  const refused = new Map(errors.map((e) => [e.index, e.message]));
  return {
    rows: rows.map((value, index) => {
      const message = refused.get(index);
      if (message !== undefined) return { action: 'error' as const, message };
      const externalId = (value as { externalId?: unknown }).externalId;
      return { action: typeof externalId === 'string' && known.has(externalId.trim()) ? ('update' as const) : ('create' as const) };
    }),
  };
}

/**
 * Validates and writes customers for a merchant, in a transaction of its own or in the
 * caller's when `db` is one.
 *
 * @example
 * await importCustomers(db, merchantId, [{ name: 'Ada', cardId, externalId: 'pos-1' }]);
 * // {created: 1, updated: 0, errors: []}
 */
export async function importCustomers(db: Db, merchantId: string, rows: readonly unknown[]): Promise<ImportResult> {
  const cards = await db.selectFrom('cards').select('id').where('merchant_id', '=', merchantId).execute();
  const { valid, errors } = check(rows, new Set(cards.map((card) => card.id)));
  const result: ImportResult = { created: 0, updated: 0, errors, entered: 0 };
  if (valid.length === 0) return result;
  const groups = groupBy(valid, (row) => (row.externalId ? `x:${shapeOf(row)}` : 'plain'));
  const inTransaction = (fn: (trx: Transaction<Database>) => Promise<void>) =>
    db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
  await inTransaction(async (trx) => {
    for (const group of groups) {
      for (let i = 0; i < group.length; i += CHUNK) {
        const counts = await writeChunk(trx, merchantId, group.slice(i, i + CHUNK));
        result.created += counts.created;
        result.updated += counts.updated;
        result.entered += counts.entered;
      }
    }
  });
  return result;
}
