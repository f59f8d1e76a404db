/**
 * A customer joins a card on its public join page: the customer and the pass are made
 * (or found again by email: joining twice is one customer), their email consent is
 * recorded with the source `join_page`, and welcome journeys (`joined`) are entered.
 */
import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { newPassCredentials } from '../auth/pass-credentials';
import type { Db } from '../db/database';
import type { Database } from '../db/schema';
import { birthday, emailAddress } from '../fields';
import { changeConsent } from './consent';
import { enterEventFlows } from '../runs/event-entries';

/** What the join form sends, checked with the customer API's own field rules. */
export const joinInput = z.object({
  name: z.string().trim().min(1, 'Please tell us your name').max(200, 'Your name is too long'),
  email: z
    .string()
    .trim()
    .transform((v) => v || undefined)
    .pipe(emailAddress().optional()),
  birthday: birthday().optional(),
  emailConsent: z.boolean(),
});
export type JoinInput = z.output<typeof joinInput>;

export interface JoinResult {
  readonly customerId: string;
  /** The customer's card page is `/p/<walletToken>`. */
  readonly walletToken: string;
  /** False when the email was already a customer of this shop. */
  readonly created: boolean;
  /** New entries of `joined` journeys, for the cohort batcher. */
  readonly entered: number;
}

/** A card that takes sign-ups, with the names the join page shows. */
export interface JoinCard {
  readonly id: string;
  readonly merchantId: string;
  readonly merchantName: string;
  readonly name: string;
  readonly reward: string;
  readonly stampsRequired: number;
  readonly backgroundColor: string;
  readonly foregroundColor: string;
}

/** The card a join page is for; undefined for an unknown id. */
export async function findJoinCard(db: Db, cardId: string): Promise<JoinCard | undefined> {
  const row = await db
    .selectFrom('cards as k')
    .innerJoin('merchants as m', 'm.id', 'k.merchant_id')
    .select(['k.id', 'k.merchant_id', 'm.name as merchant_name', 'k.name', 'k.reward', 'k.stamps_required'])
    .select(['k.background_color', 'k.foreground_color'])
    .where('k.id', '=', cardId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    merchantId: row.merchant_id,
    merchantName: row.merchant_name,
    name: row.name,
    reward: row.reward,
    stampsRequired: row.stamps_required,
    backgroundColor: row.background_color,
    foregroundColor: row.foreground_color,
  };
}

/**
 * Joins `card`: one transaction, serialised per email address so that two quick taps on
 * "Join" make one customer.
 *
 * @example
 * const { walletToken } = await joinCard(db, card, { name: 'Ada', emailConsent: false });
 */
export async function joinCard(db: Db, card: JoinCard, input: JoinInput): Promise<JoinResult> {
  return db.transaction().execute(async (trx) => {
    const existing = input.email ? await customerByEmail(trx, card.merchantId, input.email) : undefined;
    if (existing) {
      // The customer asked for mail again: that is a new grant. Leaving the box unticked
      // withdraws nothing (they may have agreed elsewhere).
      if (input.emailConsent) await changeConsent(trx, card.merchantId, [existing.id], { state: 'granted', source: 'join_page' });
      return { customerId: existing.id, walletToken: existing.wallet_token, created: false, entered: 0 };
    }
    const customer = await trx
      .insertInto('customers')
      .values({
        merchant_id: card.merchantId,
        card_id: card.id,
        name: input.name,
        email: input.email ?? null,
        birthday_month: input.birthday?.month ?? null,
        birthday_day: input.birthday?.day ?? null,
        birthday_year: input.birthday?.year ?? null,
        email_consent: input.emailConsent,
        stamps: 0,
        joined_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const pass = await trx
      .insertInto('passes')
      .values({ customer_id: customer.id, ...newPassCredentials() })
      .returning('wallet_token')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('consent_events')
      .values({
        merchant_id: card.merchantId,
        customer_id: customer.id,
        state: input.emailConsent ? 'granted' : 'withdrawn',
        source: 'join_page',
      })
      .execute();
    const entered = await enterEventFlows(trx, card.merchantId, 'joined', [
      { customerId: customer.id, cardId: card.id, key: 'joined' },
    ]);
    return { customerId: customer.id, walletToken: pass.wallet_token, created: true, entered };
  });
}

async function customerByEmail(trx: Transaction<Database>, merchantId: string, email: string) {
  // Held to the end of the transaction: a second join with this address waits, then finds the first.
  await sql`select pg_advisory_xact_lock(hashtext(${`join:${merchantId}:${email}`}))`.execute(trx);
  return trx
    .selectFrom('customers as c')
    .innerJoin('passes as p', 'p.customer_id', 'c.id')
    .select(['c.id', 'p.wallet_token'])
    .where('c.merchant_id', '=', merchantId)
    .where('c.email', '=', email)
    .orderBy('c.created_at')
    .limit(1)
    .executeTakeFirst();
}
