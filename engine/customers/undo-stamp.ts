/**
 * Undoing a stamp given by mistake at the counter, within a few minutes: the customer loses
 * the stamp, the pass shows it (devices fetch it again), and journey entries the stamp made
 * that no run has taken yet are dropped. A journey the stamp already started goes on: a
 * message already on its way cannot be called back.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { passChanged } from '../wallet/pass-changes';
import { fail, type Failure } from '../result';

/** How long after a stamp staff may undo it. */
export const UNDO_WINDOW_MINUTES = 10;

export type UndoResult =
  | { readonly ok: true; readonly customerId: string; readonly stamps: number }
  | Failure<'not_found' | 'conflict'>;

interface Row {
  customer_id: string;
  type: string;
  undone_at: Date | null;
  too_old: boolean;
  stamps: number | null;
}

/**
 * Undoes the stamp event `eventId` of the merchant; a second undo of the same stamp is a conflict.
 *
 * @example
 * const result = await undoStamp(db, merchantId, eventId); // {ok: true, customerId, stamps: 3}
 */
export async function undoStamp(db: Db, merchantId: string, eventId: string): Promise<UndoResult> {
  const { rows } = await sql<Row>`
    with target as (
      select id, customer_id, type, undone_at,
        created_at < now() - make_interval(mins => ${UNDO_WINDOW_MINUTES}) as too_old
      from events where id = ${eventId}::uuid and merchant_id = ${merchantId}
      for update
    ), undone as (
      update events e set undone_at = now()
      from target t where e.id = t.id and t.type = 'stamp' and t.undone_at is null and not t.too_old
      returning e.customer_id, e.id
    ), cust as (
      update customers c set stamps = greatest(c.stamps - 1, 0), updated_at = now()
      from undone u where c.id = u.customer_id
      returning c.id, c.stamps
    ), pass as (
      update passes p set ${passChanged('p')} from undone u where p.customer_id = u.customer_id
      returning 1
    ), dropped as (
      delete from flow_entries f using undone u
      where f.merchant_id = ${merchantId} and f.entry_key = 'event:' || u.id and f.run_id is null
      returning 1
    )
    select t.customer_id, t.type, t.undone_at, t.too_old, (select stamps from cust) as stamps,
      (select count(*) from pass) + (select count(*) from dropped) as touched
    from target t`.execute(db);
  const row = rows[0];
  if (!row) return fail('not_found', 'Event not found');
  if (row.stamps !== null) return { ok: true, customerId: row.customer_id, stamps: row.stamps };
  if (row.type !== 'stamp') return fail('conflict', `Only a stamp can be undone, this is a ${row.type}`);
  if (row.undone_at !== null) return fail('conflict', 'This stamp was already undone');
  return fail('conflict', `A stamp can be undone for ${UNDO_WINDOW_MINUTES} minutes only`);
}
