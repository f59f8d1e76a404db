/**
 * Loads one page of a step's group, by seq range, with what the steps need to know about
 * each customer. A group is the audience snapshot (rows at the trigger) or one outcome of
 * a segment (rows at the segment): every step reads the group of the path it is on.
 */
import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { Database } from '../../engine/db/schema';
import { groupKey, type MemberGroup, type SeqRange } from '../../engine/runs/member-group';

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
  /** They opted out themselves (or their provider did for them): the skip says `unsubscribed`. */
  readonly unsubscribed: boolean;
  readonly stamps: number;
  readonly stampsRequired: number;
  readonly cardName: string;
  readonly joinedAt: Date;
  readonly lastVisitAt: Date | null;
  readonly birthdayMonth: number | null;
  readonly birthdayDay: number | null;
  readonly passSerial: string | null;
  /** The voucher this run issued to the customer (else their next unredeemed one), for `{{voucher.code}}`. */
  readonly voucherCode: string | null;
  readonly voucherExpiresAt: Date | null;
  /** Why the address is suppressed (null: it is not), when the load looked it up. */
  readonly suppression?: string | null;
}

/** What a message step needs to know about a recipient (a {@link RecipientRow} is one). */
export type MessageRecipient = Omit<
  RecipientRow,
  'outcome' | 'joinedAt' | 'lastVisitAt' | 'birthdayMonth' | 'birthdayDay' | 'passSerial'
>;

/** A page's recipients and the run's status as the same query read it (null when the page is empty). */
export interface RecipientsPage {
  readonly recipients: RecipientRow[];
  readonly runStatus: string | null;
}

export { groupKey, type MemberGroup };

export interface PageRef {
  readonly runId: string;
  readonly group: MemberGroup;
  /** The members' seqs, [from, to). */
  readonly range: SeqRange;
  /** The run has exit rules: members who met one (rows in `run_exits`) are left out. */
  readonly exits?: boolean;
}

/**
 * The voucher a message to member `m` of run `runId` names: the one this run issued, else
 * the customer's next unredeemed one (an expiry reminder); the second branch runs only when
 * the first finds nothing. For `left join lateral … as v on true`.
 *
 * Each branch first asks once per statement whether it can find anything at all (the run
 * issued vouchers; the run's merchant has an unredeemed one): a run without vouchers, most
 * broadcasts, then skips both index probes per member (on the broadcast's push page, 2,000 of
 * its ~23,000 buffer visits).
 */
export function memberVoucher(runId: string) {
  const runIssued = sql`(select exists (select 1 from vouchers where run_id = ${runId}))`;
  const merchantHasOpen = sql`(select exists (select 1 from vouchers
    where merchant_id = (select merchant_id from runs where id = ${runId}) and redeemed_at is null and expires_at > now()))`;
  return sql`(
  (select code, expires_at from vouchers where ${runIssued} and run_id = m.run_id and customer_id = m.customer_id
    order by created_at desc limit 1)
  union all
  (select code, expires_at from vouchers where ${merchantHasOpen} and customer_id = m.customer_id and redeemed_at is null
    and expires_at > now() order by expires_at limit 1)
  limit 1)`;
}

/** The `where` of a page's members (`run_step_members as m`), as the loads above filter them. */
export function pageMembers(page: PageRef) {
  const g = page.group;
  return sql`m.run_id = ${page.runId} and m.node_id = ${g.nodeId} and m.seq >= ${page.range.from} and m.seq < ${page.range.to}
    ${g.outcome !== null ? sql`and m.outcome = ${g.outcome} and m.lane = ${g.lane ?? ''}` : sql``}
    ${page.exits ? sql`and not exists (select 1 from run_exits x where x.run_id = m.run_id and x.customer_id = m.customer_id)` : sql``}`;
}

/** The members of a page, without customer details (enough for waits and vouchers). */
export async function loadMembers(db: Db, page: PageRef): Promise<MemberRow[]> {
  let query = db
    .selectFrom('run_step_members as m')
    .select(['m.seq', 'm.customer_id', 'm.outcome'])
    .where('m.run_id', '=', page.runId)
    .where('m.node_id', '=', page.group.nodeId)
    .where('m.seq', '>=', page.range.from)
    .where('m.seq', '<', page.range.to);
  if (page.group.outcome !== null)
    query = query.where('m.outcome', '=', page.group.outcome).where('m.lane', '=', page.group.lane ?? '');
  if (page.exits) query = query.where(notExited);
  const rows = await query.orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, customerId: r.customer_id, outcome: r.outcome }));
}

/** The members of a page with their customer, card, pass and newest voucher of this run. */
export async function loadRecipients(db: Db, page: PageRef): Promise<RecipientRow[]> {
  return (await loadRecipientsPage(db, page)).recipients;
}

/**
 * {@link loadRecipients}, with the run's status read by the same query (one round trip for
 * the check every page makes before it works).
 */
export async function loadRecipientsPage(db: Db, page: PageRef): Promise<RecipientsPage> {
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
      'c.unsubscribed_at',
      'c.stamps',
      'c.joined_at',
      'c.last_visit_at',
      'c.birthday_month',
      'c.birthday_day',
      'k.stamps_required',
      'k.name as card_name',
      'p.serial_number',
    ])
    // The voucher this run issued, else the customer's next unredeemed one (an expiry
    // reminder): the second branch runs only when the first finds nothing.
    .leftJoin(sql<{ code: string; expires_at: Date }>`lateral ${memberVoucher(page.runId)}`.as('v'), (join) => join.onTrue())
    .select(['v.code as voucher_code', 'v.expires_at as voucher_expires_at'])
    .select(sql<string | null>`(select status from runs where id = ${page.runId})`.as('run_status'))
    .where('m.run_id', '=', page.runId)
    .where('m.node_id', '=', page.group.nodeId)
    .where('m.seq', '>=', page.range.from)
    .where('m.seq', '<', page.range.to);
  if (page.group.outcome !== null)
    query = query.where('m.outcome', '=', page.group.outcome).where('m.lane', '=', page.group.lane ?? '');
  if (page.exits) query = query.where(notExited);
  const rows = await query.orderBy('m.seq').execute();
  const recipients = rows.map((r) => ({
    seq: r.seq,
    customerId: r.customer_id,
    outcome: r.outcome,
    name: r.name,
    email: r.email,
    emailConsent: r.email_consent,
    unsubscribed: r.unsubscribed_at !== null,
    stamps: r.stamps,
    stampsRequired: r.stamps_required,
    cardName: r.card_name,
    joinedAt: r.joined_at,
    lastVisitAt: r.last_visit_at,
    birthdayMonth: r.birthday_month,
    birthdayDay: r.birthday_day,
    passSerial: r.serial_number,
    voucherCode: r.voucher_code,
    voucherExpiresAt: r.voucher_expires_at,
  }));
  return { recipients, runStatus: rows[0]?.run_status ?? null };
}

/** Members without a row in `run_exits`: those who met no exit rule. */
function notExited(eb: ExpressionBuilder<Database & { m: Database['run_step_members'] }, 'm'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('run_exits as x')
        .select('x.customer_id')
        .whereRef('x.run_id', '=', 'm.run_id')
        .whereRef('x.customer_id', '=', 'm.customer_id'),
    ),
  );
}
