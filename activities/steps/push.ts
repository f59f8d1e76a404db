/**
 * Push step: the wallet pass gets the new lock-screen message and is marked changed.
 *
 * With a wallet provider configured (APNs, Google Wallet) the page goes to phones through
 * the ledger (`push-wallet.ts`). Without one (the embedded default) the message is
 * captured in the outbox: the page is then one statement whose delivery rows are written
 * final at once, since the insert that claims a message is the record that it was sent,
 * so a retried page can neither lose nor repeat a push. The delivery row is also the
 * outbox entry: the Outbox shows it with the pass's serial and the step's text (see
 * `server/api/outbox-pushes.ts`), so no second row is written per push.
 */
import { sql } from 'kysely';
import type { PushStep } from '../../engine/compiler/plan';
import { insertFinal, recordSkipped, type LedgerKey } from '../../engine/deliveries/ledger';
import type { StepContext, WalletChannel } from './context';
import { passChanged, pushExtras } from '../../engine/wallet/pass-changes';
import { cappedAmong, cappedCustomers, FREQUENCY_CAP } from '../../engine/deliveries/frequency-cap';
import { groupKey, memberVoucher, pageMembers, type PageRef, type RecipientRow } from './members';
import { pushToWallets } from './push-wallet';
import { liveRun } from '../../engine/runs/run-live';

/** Pushes one page through a wallet provider (`push-wallet.ts`): APNs, Google Wallet. */
export async function pushPage(
  ctx: StepContext,
  wallet: WalletChannel,
  runId: string,
  step: PushStep,
  recipients: readonly RecipientRow[],
): Promise<void> {
  if (recipients.length === 0) return;
  const capped = await cappedCustomers(
    ctx.db,
    'push',
    recipients.flatMap((r) => (r.passSerial !== null ? [r.customerId] : [])),
    ctx.caps.push,
  );
  const withPass = recipients.filter((r) => r.passSerial !== null && !capped.has(r.customerId));
  const skipped = [
    ...recipients.filter((r) => r.passSerial === null).map((r) => ({ r, reason: 'no_pass' })),
    ...recipients.filter((r) => capped.has(r.customerId)).map((r) => ({ r, reason: FREQUENCY_CAP })),
  ];
  await recordSkipped(
    ctx.db,
    { runId, nodeId: step.id, channel: 'push', heldUntil: ctx.heldUntil },
    skipped.map(({ r, reason }) => ({ customerId: r.customerId, seq: r.seq, reason })),
  );
  await pushToWallets(ctx, wallet, runId, step, withPass);
}

/**
 * A push page without a wallet provider (the embedded default: the message is captured in
 * the outbox), as one statement and so one transaction. It reads the page's members as
 * the other steps load them (the same filter, the same voucher; their join to `cards`
 * filters nothing, every customer has a card, and is left out), and writes:
 *  - a final `skipped` row for each member without a pass (`no_pass`) or over the
 *    merchant's push cap (`frequency_cap`);
 *  - for the others the delivery row, final at once (the insert that claims a message is
 *    the record that it was sent, and, with its `outbox:<id>` and the voucher code it
 *    carried, the outbox entry), and for exactly the rows this statement inserted, the
 *    pass change;
 *  - the page's count (`run_step_pages`).
 * A retried page finds its rows and claims nothing, so nothing is changed or sent twice.
 * A run that has ended (cancelled, failed) reads no members, so nothing is written; the
 * statement answers the run's status and the caller stops.
 *
 * The later parts take what the part before returns and join it to passes and vouchers by
 * index, never to another `with` part: the planner cannot estimate a `with` part, and a
 * nested loop over two of them is quadratic.
 */
export async function pushOutboxPage(
  ctx: StepContext,
  step: PushStep,
  page: PageRef,
): Promise<{ entered: number; runStatus: string | null }> {
  const { runId } = page;
  const key: LedgerKey = { runId, nodeId: step.id, channel: 'push', heldUntil: ctx.heldUntil };
  const cap = ctx.caps.push;
  const capped =
    cap === null
      ? sql`select null::uuid as customer_id where false`
      : cappedAmong('push', sql`select customer_id from page where serial_number is not null`, cap);
  const { rows } = await sql<{ entered: number; run_status: string | null }>`
    with live as (
      ${liveRun(runId)}
    ), page as (
      select m.seq, m.customer_id, p.serial_number, v.code as voucher_code
      from live, run_step_members m
      join customers c on c.id = m.customer_id
      left join passes p on p.customer_id = c.id
      left join lateral ${memberVoucher(runId)} as v on true
      where ${pageMembers(page)}
    ), capped as (
      ${capped}
    ), skipped as (${insertFinal(
      key,
      sql`select t.customer_id, t.seq, 'skipped', case when t.serial_number is null then 'no_pass' else ${FREQUENCY_CAP} end, null::text, null::text
        from page t
        where t.serial_number is null or t.customer_id in (select customer_id from capped)`,
    )}
    ), claimed as (${insertFinal(
      key,
      sql`select t.customer_id, t.seq, 'sent', null::text, 'outbox:' || gen_random_uuid(), t.voucher_code
        from page t
        where t.serial_number is not null and t.customer_id not in (select customer_id from capped)`,
    )}
    ), changed as (
      update passes p
      set message = ${step.text}, voucher_code = coalesce(m.voucher_code, p.voucher_code),
          ${pushExtras(step)}, ${passChanged('p')}
      from claimed m
      where p.customer_id = m.customer_id
    ), counted as (
      insert into run_step_pages (run_id, node_id, group_key, from_seq, entered)
      select ${runId}, ${step.id}, ${groupKey(page.group)}, ${page.range.from}, count(*) from page having count(*) > 0
      on conflict do nothing
    )
    select (select count(*) from page)::int as entered, (select status from runs where id = ${runId}) as run_status`.execute(
    ctx.db,
  );
  return { entered: rows[0]?.entered ?? 0, runStatus: rows[0]?.run_status ?? null };
}
