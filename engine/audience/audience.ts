/**
 * Who a flow would reach: count and page through a merchant's card holders, optionally
 * narrowed by a segment (evaluated in SQL, on the indexes).
 */
import type { Db } from '../db/database';
import type { SegmentStep } from '../compiler/plan';
import { segmentWhere } from './segment-sql';

export interface AudienceQuery {
  readonly merchantId: string;
  readonly timeZone: string;
  readonly cardId?: string | undefined;
  readonly segment?: Pick<SegmentStep, 'match' | 'conditions'> | undefined;
  readonly now?: Date;
}

function audience(db: Db, q: AudienceQuery) {
  let query = db.selectFrom('customers').where('merchant_id', '=', q.merchantId);
  if (q.cardId) query = query.where('card_id', '=', q.cardId);
  if (q.segment) query = query.where(segmentWhere(q.segment, q.now ?? new Date(), q.timeZone));
  return query;
}

/** How many customers the audience holds. */
export async function countAudience(db: Db, q: AudienceQuery): Promise<number> {
  const row = await audience(db, q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of customer ids in id order, after `afterId` (keyset paging). */
export async function pageAudience(db: Db, q: AudienceQuery, limit: number, afterId?: string): Promise<string[]> {
  let query = audience(db, q).select('id').orderBy('id').limit(limit);
  if (afterId) query = query.where('id', '>', afterId);
  const rows = await query.execute();
  return rows.map((r) => r.id);
}
