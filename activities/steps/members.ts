/**
 * Loads one page of a step's group, by seq range, with what the steps need to know about
 * each customer. A group is the audience snapshot (rows at the trigger) or one outcome of
 * a segment (rows at the segment): every step reads the group of the path it is on.
 */
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';

export interface MemberRow {
  readonly seq: number;
  readonly customerId: string;
  /** A segment's recorded decision, when this node already decided. */
  readonly outcome: string | null;
}

export interface RecipientRow extends MemberRow {
  readonly name: string;
  readonly email: string | null;
  readonly emailConsent: boolean;
  readonly stamps: number;
  readonly stampsRequired: number;
  readonly cardName: string;
  readonly joinedAt: Date;
  readonly lastVisitAt: Date | null;
  readonly birthdayMonth: number | null;
  readonly birthdayDay: number | null;
  readonly passSerial: string | null;
  /** The newest voucher this run issued to the customer, for `{{voucher.code}}`. */
  readonly voucherCode: string | null;
}

/** Rows of `run_step_members` at `nodeId`, only those with `outcome` when it is set. */
export interface MemberGroup {
  readonly nodeId: string;
  readonly outcome: string | null;
}

/** A stable name for a group, for counting what each step read. */
export function groupKey(group: MemberGroup): string {
  return `${group.nodeId}:${group.outcome ?? ''}`;
}

export interface PageRef {
  readonly runId: string;
  readonly group: MemberGroup;
  /** Inclusive. */
  readonly fromSeq: number;
  /** Exclusive. */
  readonly toSeq: number;
}

/** The members of a page, without customer details (enough for waits and vouchers). */
export async function loadMembers(db: Db, page: PageRef): Promise<MemberRow[]> {
  let query = db
    .selectFrom('run_step_members')
    .select(['seq', 'customer_id', 'outcome'])
    .where('run_id', '=', page.runId)
    .where('node_id', '=', page.group.nodeId)
    .where('seq', '>=', page.fromSeq)
    .where('seq', '<', page.toSeq);
  if (page.group.outcome !== null) query = query.where('outcome', '=', page.group.outcome);
  const rows = await query.orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, customerId: r.customer_id, outcome: r.outcome }));
}

/** The members of a page with their customer, card, pass and newest voucher of this run. */
export async function loadRecipients(db: Db, page: PageRef): Promise<RecipientRow[]> {
  let query = db
    .selectFrom('run_step_members as m')
    .innerJoin('customers as c', 'c.id', 'm.customer_id')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .leftJoin('passes as p', 'p.customer_id', 'c.id')
    .select([
      'm.seq',
      'm.customer_id',
      'm.outcome',
      'c.name',
      'c.email',
      'c.email_consent',
      'c.stamps',
      'c.joined_at',
      'c.last_visit_at',
      'c.birthday_month',
      'c.birthday_day',
      'k.stamps_required',
      'k.name as card_name',
      'p.serial_number',
    ])
    .select(
      sql<string | null>`(select v.code from vouchers v where v.run_id = m.run_id and v.customer_id = m.customer_id order by v.created_at desc limit 1)`.as(
        'voucher_code',
      ),
    )
    .where('m.run_id', '=', page.runId)
    .where('m.node_id', '=', page.group.nodeId)
    .where('m.seq', '>=', page.fromSeq)
    .where('m.seq', '<', page.toSeq);
  if (page.group.outcome !== null) query = query.where('m.outcome', '=', page.group.outcome);
  const rows = await query.orderBy('m.seq').execute();
  return rows.map((r) => ({
    seq: r.seq,
    customerId: r.customer_id,
    outcome: r.outcome,
    name: r.name,
    email: r.email,
    emailConsent: r.email_consent,
    stamps: r.stamps,
    stampsRequired: r.stamps_required,
    cardName: r.card_name,
    joinedAt: r.joined_at,
    lastVisitAt: r.last_visit_at,
    birthdayMonth: r.birthday_month,
    birthdayDay: r.birthday_day,
    passSerial: r.serial_number,
    voucherCode: r.voucher_code,
  }));
}
