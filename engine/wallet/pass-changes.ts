/**
 * How a pass records that it changed, so that devices find every change, and only changes.
 *
 * Apple devices ask "which of my passes changed since tag T?" and keep the `lastUpdated`
 * we answer as their next T. A counter or a clock as the tag loses updates: a transaction
 * that took its tag earlier but commits later lands below a tag a device was already given.
 * So a pass's tag is the id of the transaction that changed it (`pg_current_xact_id()`),
 * and `lastUpdated` is the reading snapshot itself (`pg_current_snapshot()`, the opaque
 * string `xmin:xmax:in-progress ids`). A pass changed since then is exactly one whose
 * transaction that snapshot could not see (`pg_visible_in_snapshot`): committed later, or
 * still running then. Nothing is missed and nothing is listed twice.
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

/**
 * Appended to a pushed text that equals the pass's current message, so the value changes and
 * the lock screen shows it again (it shows a message only when the field changes).
 */
export const CHANGE_MARK = '\u200B';

/** The message as people read it: without the change mark. */
export const withoutChangeMark = (message: string): string =>
  message.endsWith(CHANGE_MARK) ? message.slice(0, -1) : message;

/** The tag to hand devices as `lastUpdated`: the snapshot of the query it is read in. */
export const UPDATE_WATERMARK = sql<string>`pg_current_snapshot()::text`;

/** A `lastUpdated` this service answered: `xmin:xmax:xip,…` (bounded, so a forged one stays cheap). */
export const UPDATE_TAG_FORMAT = /^\d{1,19}:\d{1,19}:(\d{1,19}(,\d{1,19}){0,999})?$/;

/** True (in SQL) when the pass `alias` changed after the snapshot `tag` was taken. */
export function changedSince(alias: string, tag: string): RawBuilder<boolean> {
  return sql<boolean>`not pg_visible_in_snapshot(${sql.ref(`${alias}.update_tag`)}::text::xid8, ${tag}::pg_snapshot)`;
}

/**
 * The `set` items a push writes besides its message: whether it has a long text on the card
 * page, and its nearby text with its window. A push without a nearby text leaves the pass's
 * nearby text as it is (it lasts until a later nearby text replaces it or it ends).
 *
 * @example
 * sql`update passes p set message = ${step.text}, ${pushExtras(step)}, ${passChanged('p')} where …`
 */
export function pushExtras(step: {
  readonly nearbyText?: string;
  readonly nearbyFrom?: string;
  readonly nearbyUntil?: string;
  readonly messageText?: string;
}): RawBuilder<unknown> {
  const more = sql`message_has_more = ${step.messageText !== undefined}`;
  if (step.nearbyText === undefined) return more;
  return sql`${more}, nearby_text = ${step.nearbyText},
    nearby_from = ${step.nearbyFrom ?? null}::timestamptz, nearby_until = ${step.nearbyUntil ?? null}::timestamptz`;
}
