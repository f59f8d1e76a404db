/**
 * What the counter screen shows of one customer, found by the code on their pass: the
 * scanned QR (the customer id) or the first 8 characters of it, typed by hand.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { shortCode } from '../channels/wallet/pass-code';
import { UNDO_WINDOW_MINUTES } from './undo-stamp';
import { fail, type Failure } from '../result';

export interface CounterCard {
  readonly id: string;
  /** The short code staff can type: the id's first 8 characters, upper case. */
  readonly code: string;
  readonly name: string;
  readonly cardName: string;
  readonly reward: string;
  readonly stamps: number;
  readonly stampsRequired: number;
  readonly rewardReady: boolean;
  readonly lastVisitAt: Date | null;
  readonly vouchers: readonly { readonly code: string; readonly title: string; readonly expiresAt: Date }[];
  /** The latest stamp that can still be undone, if any. */
  readonly undoableStamp: { readonly eventId: string; readonly at: Date } | null;
}

export type CounterLookup =
  | { readonly ok: true; readonly card: CounterCard }
  | Failure<'not_found' | 'bad_request' | 'conflict'>;

const FULL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHORT = /^[0-9a-f]{8}$/;

/**
 * Finds the merchant's customer by a pass code (spaces and dashes typed around it ignored).
 *
 * @example
 * await counterCard(db, merchantId, '3F2A9C01'); // {ok: true, card: {name: 'Mia', stamps: 4, …}}
 */
export async function counterCard(db: Db, merchantId: string, rawCode: string): Promise<CounterLookup> {
  const code = rawCode.trim().toLowerCase();
  const short = code.replace(/[\s-]/g, '');
  if (!FULL.test(code) && !SHORT.test(short)) {
    return fail('bad_request', 'A pass code is the 8 letters and digits under the QR code');
  }
  let q = db
    .selectFrom('customers as c')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .select(['c.id', 'c.name', 'c.stamps', 'c.last_visit_at', 'k.name as card_name', 'k.reward', 'k.stamps_required'])
    .where('c.merchant_id', '=', merchantId);
  q = FULL.test(code)
    ? q.where('c.id', '=', code)
    : q.where(sql`c.id::text`, '>=', `${short}-`).where(sql`c.id::text`, '<', `${short}.`);
  const found = await q.limit(2).execute();
  const row = found[0];
  if (!row) return fail('not_found', 'No customer has this pass code');
  if (found.length > 1) return fail('conflict', 'Two customers share this short code: scan the QR instead');
  const [vouchers, stamp] = await Promise.all([
    db
      .selectFrom('vouchers')
      .select(['code', 'title', 'expires_at'])
      .where('customer_id', '=', row.id)
      .where('redeemed_at', 'is', null)
      .where('expires_at', '>', new Date())
      .orderBy('expires_at')
      .execute(),
    db
      .selectFrom('events')
      .select(['id', 'at'])
      .where('customer_id', '=', row.id)
      .where('type', '=', 'stamp')
      .where('undone_at', 'is', null)
      .where('created_at', '>', sql<Date>`now() - make_interval(mins => ${UNDO_WINDOW_MINUTES})`)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return {
    ok: true,
    card: {
      id: row.id,
      code: shortCode(row.id),
      name: row.name,
      cardName: row.card_name,
      reward: row.reward,
      stamps: row.stamps,
      stampsRequired: row.stamps_required,
      rewardReady: row.stamps >= row.stamps_required,
      lastVisitAt: row.last_visit_at,
      vouchers: vouchers.map((v) => ({ code: v.code, title: v.title, expiresAt: v.expires_at })),
      undoableStamp: stamp ? { eventId: stamp.id, at: stamp.at } : null,
    },
  };
}
