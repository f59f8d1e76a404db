/**
 * How many of a merchant's customers a segment holds right now, counted with the same SQL
 * that selects a run's cohort, so the editor's preview and the run agree.
 */
import { countAudience } from '../audience/audience';
import type { Db } from '../db/database';
import type { SegmentData } from '../compiler/segment-schema';

/** `card_not_found` when `cardId` is not one of the merchant's cards. */
export type SegmentCountResult =
  { readonly kind: 'counted'; readonly count: number } | { readonly kind: 'card_not_found' };

/**
 * Counts the merchant's customers (only holders of `cardId`, when given) matching the
 * segment, with birthdays and day counts in the merchant's time zone.
 *
 * @example
 * await countSegment(db, merchantId, { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 5 }] });
 */
export async function countSegment(
  db: Db,
  merchantId: string,
  segment: SegmentData,
  cardId?: string,
): Promise<SegmentCountResult> {
  const merchant = await db
    .selectFrom('merchants')
    .select('timezone')
    .where('id', '=', merchantId)
    .executeTakeFirstOrThrow();
  if (cardId !== undefined) {
    const card = await db
      .selectFrom('cards')
      .select('id')
      .where('id', '=', cardId)
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    if (!card) return { kind: 'card_not_found' };
  }
  const count = await countAudience(db, { merchantId, timeZone: merchant.timezone, cardId, segment });
  return { kind: 'counted', count };
}
