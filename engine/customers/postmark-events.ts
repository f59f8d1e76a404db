/**
 * What Postmark reports after it accepted an email (its webhooks), applied to the delivery
 * it belongs to and to the merchant's suppressions and the customer's consent:
 *
 * | record | delivery | and |
 * | --- | --- | --- |
 * | Delivery | `sent` → `delivered` | |
 * | Bounce | → `bounced` | a hard bounce or `Inactive` suppresses the address (that merchant only) |
 * | SpamComplaint | → `complained` | suppresses, withdraws consent (`provider_complaint`) |
 * | SubscriptionChange | | mirrors Postmark's suppression both ways; an unsubscribe on Postmark's side withdraws consent |
 * | Open / Click | `opened_at` / `clicked_at` | |
 *
 * An event finds its delivery by Postmark's MessageID, else by the metadata every email
 * carries (run, step, customer). Each event is applied once: a replay finds its id in
 * `webhook_events` and changes nothing.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database';
import { isUuid } from '../ids';
import { changeConsent } from './consent';
import { markEngagement, moveOn } from '../deliveries/ledger';
import { addSuppression, removeSuppression } from '../deliveries/suppressions';

const when = z.string().min(1).optional();
/** Postmark's payloads, as documented; fields this code does not read pass through. */
export const postmarkEvent = z.looseObject({
  RecordType: z.enum(['Delivery', 'Bounce', 'SpamComplaint', 'SubscriptionChange', 'Open', 'Click']),
  MessageID: z.string().min(1).nullish(),
  ID: z.union([z.number(), z.string()]).optional(),
  Recipient: z.string().optional(),
  Email: z.string().optional(),
  Type: z.string().optional(),
  Inactive: z.boolean().optional(),
  Description: z.string().optional(),
  Details: z.string().optional(),
  DeliveredAt: when,
  BouncedAt: when,
  ChangedAt: when,
  ReceivedAt: when,
  SuppressSending: z.boolean().optional(),
  SuppressionReason: z.string().nullish(),
  Metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type PostmarkEvent = z.infer<typeof postmarkEvent>;

export type EventResult = { readonly kind: 'applied' | 'duplicate' | 'unknown_message'; readonly detail?: string };

interface Found {
  run_id: string;
  node_id: string;
  seq: number;
  customer_id: string;
  merchant_id: string;
  email: string | null;
}

export async function applyPostmarkEvent(db: Db, e: PostmarkEvent): Promise<EventResult> {
  const found = await findDelivery(db, e);
  if (!found) {
    if (e.RecordType === 'SubscriptionChange' && e.Recipient) return mirrorByAddress(db, e, e.Recipient);
    return { kind: 'unknown_message', detail: `${e.RecordType} for message ${e.MessageID ?? '(none)'}` };
  }
  return db.transaction().execute(async (tx) => {
    if (!(await firstTime(tx, e))) return { kind: 'duplicate' as const };
    const address = found.email ?? (e.Email ?? e.Recipient ?? '').toLowerCase();
    const at = e.DeliveredAt ?? e.BouncedAt ?? e.ChangedAt ?? e.ReceivedAt ?? new Date().toISOString();
    switch (e.RecordType) {
      case 'Delivery':
        await moveOn(tx, found, 'delivered', ['sent'], at, e.Details ?? 'delivered');
        break;
      case 'Bounce': {
        const hard = e.Type === 'HardBounce' || e.Inactive === true;
        await moveOn(
          tx,
          found,
          'bounced',
          ['sent', 'delivered'],
          at,
          `${e.Type ?? 'Bounce'}: ${e.Description ?? ''}`.trim(),
        );
        if (hard && address)
          await addSuppression(
            tx,
            found.merchant_id,
            address,
            e.Type === 'HardBounce' ? 'hard_bounce' : 'inactive',
            e.Description ?? null,
          );
        break;
      }
      case 'SpamComplaint':
        await moveOn(tx, found, 'complained', ['sent', 'delivered', 'bounced'], at, 'marked as spam');
        if (address) await addSuppression(tx, found.merchant_id, address, 'spam_complaint', e.Description ?? null);
        await changeConsent(tx, found.merchant_id, [found.customer_id], {
          state: 'withdrawn',
          source: 'provider_complaint',
        });
        break;
      case 'SubscriptionChange':
        if (!address) break;
        if (e.SuppressSending) {
          await addSuppression(
            tx,
            found.merchant_id,
            address,
            suppressionReason(e.SuppressionReason),
            'Postmark suppressed sending',
          );
          if (e.SuppressionReason === 'ManualSuppression') {
            await changeConsent(tx, found.merchant_id, [found.customer_id], {
              state: 'withdrawn',
              source: 'provider_subscription_change',
            });
          }
        } else {
          await removeSuppression(tx, found.merchant_id, address, REACTIVATED, 'postmark', POSTMARK_CAUSES);
        }
        break;
      case 'Open':
        await markEngagement(tx, found, 'opened_at', at);
        break;
      case 'Click':
        await markEngagement(tx, found, 'clicked_at', at);
        break;
    }
    return { kind: 'applied' as const };
  });
}

/** Suppressions a reactivation on Postmark's side lifts: what Postmark caused, never a spam complaint. */
const POSTMARK_CAUSES = ['hard_bounce', 'inactive', 'inactive_recipient', 'provider_suppression'];
const REACTIVATED = 'Postmark reactivated the address';

/** Records the event as handled; false when it was already (a replay). */
async function firstTime(db: Db, e: PostmarkEvent): Promise<boolean> {
  const row = await db
    .insertInto('webhook_events')
    .values({ id: eventId(e) })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A subscription change made on Postmark's side without a message (an operator suppressed or
 * reactivated the address in Postmark): Postmark's list is the installation's, so it is
 * mirrored for every merchant with a customer at that address (a reactivation lifts only
 * `POSTMARK_CAUSES`); consent is left alone, since the recipient did nothing.
 */
async function mirrorByAddress(db: Db, e: PostmarkEvent, recipient: string): Promise<EventResult> {
  const { rows } = await sql<{ merchant_id: string; email: string }>`
    select distinct merchant_id, email from customers where lower(email) = lower(${recipient})`.execute(db);
  if (rows.length === 0)
    return { kind: 'unknown_message', detail: `SubscriptionChange for ${recipient}, who is no customer` };
  return db.transaction().execute(async (tx) => {
    if (!(await firstTime(tx, e))) return { kind: 'duplicate' as const };
    for (const r of rows) {
      if (e.SuppressSending) {
        await addSuppression(
          tx,
          r.merchant_id,
          r.email,
          suppressionReason(e.SuppressionReason),
          'Postmark suppressed sending',
        );
      } else {
        await removeSuppression(tx, r.merchant_id, r.email, REACTIVATED, 'postmark', POSTMARK_CAUSES);
      }
    }
    return { kind: 'applied' as const };
  });
}

async function findDelivery(db: Db, e: PostmarkEvent): Promise<Found | undefined> {
  const meta = e.Metadata ?? {};
  const [runId, nodeId, customerId] = [meta.runId, meta.nodeId, meta.customerId].map((v) =>
    typeof v === 'string' ? v : '',
  );
  const byMeta = isUuid(runId ?? '') && isUuid(customerId ?? '') && nodeId !== '';
  if (!e.MessageID && !byMeta) return undefined;
  const { rows } = await sql<Found>`
    select d.run_id, d.node_id, d.seq, d.customer_id, r.merchant_id, c.email
    from deliveries d join runs r on r.id = d.run_id left join customers c on c.id = d.customer_id
    where d.channel = 'email' and (
      ${e.MessageID ? sql`d.provider_message_id = ${e.MessageID}` : sql`false`}
      or ${byMeta ? sql`(d.run_id = ${runId}::uuid and d.node_id = ${nodeId} and d.customer_id = ${customerId}::uuid)` : sql`false`})
    limit 1`.execute(db);
  return rows[0];
}

/** Identifies one event, so a replay is recognised: its type, message, time and (for subscription changes) direction. */
function eventId(e: PostmarkEvent): string {
  const at = e.DeliveredAt ?? e.BouncedAt ?? e.ChangedAt ?? e.ReceivedAt ?? '';
  const extra =
    e.RecordType === 'SubscriptionChange' ? `:${String(e.SuppressSending)}` : e.ID !== undefined ? `:${e.ID}` : '';
  return `postmark:${e.RecordType}:${e.MessageID ?? ''}:${at}${extra}`;
}

function suppressionReason(reason: string | null | undefined): string {
  if (reason === 'HardBounce') return 'hard_bounce';
  if (reason === 'SpamComplaint') return 'spam_complaint';
  return 'provider_suppression';
}
