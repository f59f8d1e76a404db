/**
 * Voucher step: issues one voucher per member with a unique, human-typable code and puts it
 * on the member's pass. Later messages in the run show it as `{{voucher.code}}` and
 * `{{voucher.expiresOn}}`. Idempotent per (run, node, customer).
 */
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { passChanged } from '../../engine/wallet/pass-changes';
import type { VoucherStep } from '../../engine/compiler/plan';
import type { StepContext } from './context';
import type { MemberRow } from './members';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I

/** A code like `SF-7K2M-9QXA`: 40 bits of randomness. */
export function voucherCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `SF-${s.slice(0, 4)}-${s.slice(4)}`;
}

export async function issueVouchers(ctx: StepContext, runId: string, step: VoucherStep, members: readonly MemberRow[]): Promise<void> {
  if (members.length === 0) return;
  const expiresAt = new Date(Date.now() + step.validDays * 86_400_000);
  let pending = members;
  // A code collision makes the insert skip that row; the loop gives those members a new code.
  for (let round = 0; round < 5 && pending.length > 0; round++) {
    await ctx.db
      .insertInto('vouchers')
      .values(
        pending.map((m) => ({
          merchant_id: ctx.merchant.id,
          customer_id: m.customerId,
          run_id: runId,
          node_id: step.id,
          code: voucherCode(),
          title: step.title,
          expires_at: expiresAt,
          redeemed_at: null,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    const issued = await ctx.db
      .selectFrom('vouchers')
      .select('customer_id')
      .where('run_id', '=', runId)
      .where('node_id', '=', step.id)
      .where('customer_id', 'in', pending.map((m) => m.customerId))
      .execute();
    const done = new Set(issued.map((r) => r.customer_id));
    pending = pending.filter((m) => !done.has(m.customerId));
  }
  if (pending.length > 0) throw new Error(`could not issue unique voucher codes for ${pending.length} customers`);
  // The voucher goes on the customer's pass; a new update tag makes devices fetch it.
  await sql`
    update passes p
    set voucher_code = v.code, ${passChanged('p')}
    from vouchers v
    where v.run_id = ${runId} and v.node_id = ${step.id} and v.customer_id = p.customer_id
      and p.customer_id = any(${members.map((m) => m.customerId)}::uuid[])
      and p.voucher_code is distinct from v.code`.execute(ctx.db);
}
