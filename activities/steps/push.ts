/**
 * Push step: the wallet pass gets the new lock-screen message and is marked changed.
 *
 * With a wallet provider configured (APNs, Google Wallet) the page goes to phones through
 * the ledger (`push-wallet.ts`). Without one (the embedded default) the message is
 * captured in the outbox: the page is then one transaction whose delivery rows are written
 * final at once, since the insert that claims a message is the record that it was sent,
 * so a retried page can neither lose nor repeat a push.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { PushStep } from '../../engine/flow/plan';
import type { StepContext } from './context';
import { passChanged } from '../../engine/wallet/pass-changes';
import { cappedCustomers, FREQUENCY_CAP } from './frequency-cap';
import type { RecipientRow } from './members';
import { pushToWallets } from './push-wallet';

export async function pushPage(
  ctx: StepContext,
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
  const noPass = recipients.filter((r) => r.passSerial === null);
  const skipped = [
    ...noPass.map((r) => ({ r, reason: 'no_pass' })),
    ...recipients.filter((r) => capped.has(r.customerId)).map((r) => ({ r, reason: FREQUENCY_CAP })),
  ];
  const wallet = ctx.channels.wallet;
  if (wallet && (wallet.apns || wallet.google)) {
    await recordSkipped(ctx.db, runId, step, skipped);
    await pushToWallets(ctx, wallet, runId, step, withPass);
    return;
  }
  await ctx.db.transaction().execute(async (tx) => {
    await recordSkipped(tx, runId, step, skipped);
    if (withPass.length === 0) return;
    const outboxIds = withPass.map(() => randomUUID());
    const { rows } = await sql<{ customer_id: string }>`
      insert into deliveries (run_id, node_id, customer_id, channel, status, provider_message_id, attempts, seq, updated_at)
      select ${runId}, ${step.id}, t.customer_id, 'push', 'sent', 'outbox:' || t.outbox_id, 1, t.seq, now()
      from unnest(${withPass.map((r) => r.customerId)}::uuid[], ${withPass.map((r) => r.seq)}::int[], ${outboxIds}::uuid[])
        as t(customer_id, seq, outbox_id)
      on conflict do nothing
      returning customer_id`.execute(tx);
    const claimed = new Set(rows.map((r) => r.customer_id));
    const todo = withPass
      .map((r, i) => ({ r, outboxId: outboxIds[i] ?? '' }))
      .filter(({ r }) => claimed.has(r.customerId));
    if (todo.length === 0) return;
    await sql`
      update passes p
      set message = ${step.text}, voucher_code = coalesce(v.code, p.voucher_code),
          ${passChanged('p')}
      from unnest(${todo.map(({ r }) => r.customerId)}::uuid[], ${todo.map(({ r }) => r.voucherCode)}::text[]) as v(customer_id, code)
      where p.customer_id = v.customer_id`.execute(tx);
    await tx
      .insertInto('outbox')
      .values(
        todo.map(({ r, outboxId }) => ({
          id: outboxId,
          merchant_id: ctx.merchant.id,
          channel: 'push' as const,
          recipient: r.passSerial ?? '',
          subject: null,
          body: step.text,
          payload: JSON.stringify({ runId, nodeId: step.id, customerId: r.customerId, voucherCode: r.voucherCode }),
        })),
      )
      .execute();
  });
}

/** Customers the step cannot or must not message: final rows, written once. */
async function recordSkipped(
  db: Db,
  runId: string,
  step: PushStep,
  skipped: readonly { r: RecipientRow; reason: string }[],
) {
  if (skipped.length === 0) return;
  await sql`
    insert into deliveries (run_id, node_id, customer_id, channel, status, reason, attempts, seq, updated_at)
    select ${runId}, ${step.id}, t.customer_id, 'push', 'skipped', t.reason, 1, t.seq, now()
    from unnest(${skipped.map((s) => s.r.customerId)}::uuid[], ${skipped.map((s) => s.r.seq)}::int[], ${skipped.map((s) => s.reason)}::text[])
      as t(customer_id, seq, reason)
    on conflict do nothing`.execute(db);
}
