/**
 * Push step: the wallet pass gets the new lock-screen message and a new update tag, and
 * the message is captured in the outbox (APNs and Google Wallet calls come with their own
 * issue). Everything for a page happens in one transaction, so a push is recorded exactly
 * once even when the activity is retried.
 */
import { sql } from 'kysely';
import type { PushStep } from '../../engine/flow/plan';
import { claim, record, type Outcome } from '../deliveries/ledger';
import type { StepContext } from './context';
import type { RecipientRow } from './members';

export async function pushPage(ctx: StepContext, runId: string, step: PushStep, recipients: readonly RecipientRow[]): Promise<void> {
  const key = { runId, nodeId: step.id, channel: 'push' as const };
  await ctx.db.transaction().execute(async (tx) => {
    const mine = await claim(tx, key, recipients, ctx.claimKey);
    const todo = recipients.filter((r) => mine.has(r.customerId));
    const withPass = todo.filter((r) => r.passSerial !== null);
    const outcomes: Outcome[] = todo
      .filter((r) => r.passSerial === null)
      .map((r) => ({ customerId: r.customerId, status: 'skipped', reason: 'no_pass' }));
    if (withPass.length > 0) {
      const ids = withPass.map((r) => r.customerId);
      const codes = withPass.map((r) => r.voucherCode);
      await sql`
        update passes p
        set message = ${step.text}, voucher_code = coalesce(v.code, p.voucher_code),
            update_tag = p.update_tag + 1, updated_at = now()
        from unnest(${ids}::uuid[], ${codes}::text[]) as v(customer_id, code)
        where p.customer_id = v.customer_id`.execute(tx);
      const inserted = await tx
        .insertInto('outbox')
        .values(
          withPass.map((r) => ({
            merchant_id: ctx.merchant.id,
            channel: 'push' as const,
            recipient: r.passSerial ?? '',
            subject: null,
            body: step.text,
            payload: JSON.stringify({ runId, nodeId: step.id, customerId: r.customerId, serialNumber: r.passSerial, voucherCode: r.voucherCode }),
          })),
        )
        .returning('id')
        .execute();
      withPass.forEach((r, i) => outcomes.push({ customerId: r.customerId, status: 'sent', providerMessageId: inserted[i]?.id ?? null }));
    }
    await record(tx, key, outcomes);
  });
}
