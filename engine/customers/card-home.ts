/**
 * What the customer's card page shows besides the pass: the latest messages' long text (a
 * push's full message, an email's subject and text, without the email's chrome) and the
 * active vouchers. Messages are read from the delivery ledger and the published plan, so
 * the page shows exactly the steps that reached this customer, filled for them now.
 */
import { sql } from 'kysely';
import { renderEmail } from '../channels/email/render';
import type { Db } from '../db/database';
import type { Plan } from '../compiler/plan';
import { formatPlainDate, localDate } from '../time/zoned';

/** How many messages the page shows, newest first. */
export const CARD_PAGE_MESSAGES = 5;

export interface CardMessage {
  readonly at: Date;
  /** The push text or the email subject. */
  readonly title: string;
  readonly body: string;
}

export interface CardVoucher {
  readonly title: string;
  readonly code: string;
  /** The last valid day, merchant time: `2026-12-01`. */
  readonly expiresOn: string;
}

export interface CardHome {
  readonly messages: readonly CardMessage[];
  readonly vouchers: readonly CardVoucher[];
}

/** A push reached the pass (sent, or the pass changed with no device to wake); an email was accepted. */
const REACHED = sql<boolean>`(d.status in ('sent', 'delivered') or (d.channel = 'push' and d.reason = 'no_wallet_device'))`;

/**
 * The customer's messages and vouchers for their card page.
 *
 * @example
 * const { messages, vouchers } = await loadCardHome(db, customerId);
 */
export async function loadCardHome(db: Db, customerId: string): Promise<CardHome> {
  const customer = await db
    .selectFrom('customers as c')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
    .select(['c.name', 'c.stamps', 'k.name as card_name', 'k.stamps_required', 'm.timezone'])
    .where('c.id', '=', customerId)
    .executeTakeFirstOrThrow();
  const vouchers = await db
    .selectFrom('vouchers')
    .select(['title', 'code', 'expires_at'])
    .where('customer_id', '=', customerId)
    .where('redeemed_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('expires_at')
    .limit(20)
    .execute();
  const day = (at: Date) => formatPlainDate(localDate(at, customer.timezone));
  // Newest deliveries whose step has a long text: a push with a message text, or an email.
  const { rows } = await sql<{ node_id: string; at: Date; plan: Plan }>`
    select d.node_id, d.updated_at as at, v.plan
    from deliveries d
    join runs r on r.id = d.run_id
    join flow_versions v on v.flow_id = r.flow_id and v.version = r.version
    where d.customer_id = ${customerId} and d.channel in ('push', 'email') and ${REACHED}
      and (d.channel = 'email' or v.plan -> 'steps' -> d.node_id ? 'messageText')
    order by d.updated_at desc
    limit ${CARD_PAGE_MESSAGES}`.execute(db);
  const vars = {
    customerName: customer.name,
    cardName: customer.card_name,
    stampsLeft: Math.max(0, customer.stamps_required - customer.stamps),
    voucherCode: vouchers[0]?.code ?? null,
    voucherExpiresOn: vouchers[0] ? day(vouchers[0].expires_at) : null,
  };
  const messages = rows.flatMap((row): CardMessage[] => {
    const step = row.plan.steps[row.node_id];
    if (step?.kind === 'email') {
      const { subject, textBody } = renderEmail(step, vars);
      return [{ at: row.at, title: subject, body: textBody }];
    }
    if (step?.kind === 'push' && step.messageText) {
      return [{ at: row.at, title: step.text, body: renderEmail({ subject: '', body: step.messageText }, vars).textBody }];
    }
    return [];
  });
  return { messages, vouchers: vouchers.map((v) => ({ title: v.title, code: v.code, expiresOn: day(v.expires_at) })) };
}
