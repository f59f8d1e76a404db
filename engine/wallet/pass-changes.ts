/**
 * How a pass records that it changed, so that devices find every change and never miss one.
 *
 * Apple devices ask "which of my passes changed since tag T?" and keep the `lastUpdated`
 * we answer as their next T. A counter or a clock as the tag loses updates: a transaction
 * that took its tag earlier but commits later lands below a `lastUpdated` a device has
 * already been given. So a pass's tag is the id of the transaction that changed it
 * (`pg_current_xact_id()`), and `lastUpdated` is the snapshot's xmin: every transaction
 * with a smaller id has finished, so nothing can still appear below it. A pass changed by
 * a transaction at or above xmin may be listed twice; a device fetching an unchanged pass
 * twice costs one request.
 *
 * `Last-Modified` comes from `updated_at`, which every change moves by at least a whole
 * second (HTTP dates have no fractions), so two changes within one second still differ.
 */
import { sql, type RawBuilder } from 'kysely';

/**
 * The `set` items that mark a pass changed, for `update passes <alias> set …`.
 *
 * @example
 * sql`update passes p set message = ${text}, ${passChanged('p')} where p.customer_id = ${id}`
 */
export function passChanged(alias: string): RawBuilder<unknown> {
  const updatedAt = sql.ref(`${alias}.updated_at`);
  return sql`update_tag = pg_current_xact_id()::text::bigint,
    updated_at = greatest(date_trunc('second', now()), date_trunc('second', ${updatedAt}) + interval '1 second')`;
}

/** The watermark to hand devices as `lastUpdated`, as a SQL expression (same snapshot as the query). */
export const UPDATE_WATERMARK = sql<string>`pg_snapshot_xmin(pg_current_snapshot())::text`;
