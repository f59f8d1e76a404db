/**
 * Checks that a broadcast run (push + email) really reached everyone, so a benchmark never
 * reports a rate for work it did not do: a `sent` delivery row per customer and channel
 * (nothing else), one push captured in the outbox per customer (its delivery row, one per
 * pass), and one email per customer
 * at the local Postmark server.
 */
import { sql } from 'kysely';
import type { BenchEnv } from './env';

/** Throws with what is missing or repeated; returns nothing when all is there. */
export async function expectDelivered(env: BenchEnv, runId: string, recipients: number): Promise<void> {
  const problems: string[] = [];
  const { db } = env;

  const rows = await db
    .selectFrom('deliveries')
    .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy(['channel', 'status'])
    .execute();
  const counts = Object.fromEntries(rows.map((r) => [`${r.channel}:${r.status}`, Number(r.n)]));
  const total = rows.reduce((n, r) => n + Number(r.n), 0);
  if (counts['push:sent'] !== recipients || counts['email:sent'] !== recipients || total !== 2 * recipients)
    problems.push(`deliveries ${JSON.stringify(counts)}, want ${recipients} push:sent and ${recipients} email:sent`);

  // A push captured in the outbox is its delivery row (`outbox:<id>`), shown on the customer's pass.
  const outbox = await sql<{ n: number; passes: number; customers: number }>`
    select count(*)::int as n, count(distinct p.serial_number)::int as passes, count(distinct d.customer_id)::int as customers
    from deliveries d left join passes p on p.customer_id = d.customer_id
    where d.run_id = ${runId} and d.channel = 'push' and d.provider_message_id like 'outbox:%'`.execute(db);
  const o = outbox.rows[0];
  if (o?.n !== recipients || o.passes !== recipients || o.customers !== recipients)
    problems.push(`outbox ${JSON.stringify(o)}, want ${recipients} push rows, one per pass`);

  const customers = await db
    .selectFrom('customers')
    .select(['id', 'email'])
    .where('merchant_id', '=', env.merchant.merchantId)
    .execute();
  const sent = env.postmark.sent.filter((m) => m.Metadata?.runId === runId);
  const addressees = new Set(sent.map((m) => m.To));
  const byCustomer = new Set(sent.map((m) => m.Metadata?.customerId));
  const missing = customers.filter((c) => !addressees.has(c.email ?? '') || !byCustomer.has(c.id)).length;
  if (sent.length !== recipients || addressees.size !== recipients || byCustomer.size !== recipients || missing > 0)
    problems.push(
      `provider has ${sent.length} emails for ${addressees.size} addresses (${missing} customers missing), want ${recipients}, one each`,
    );

  if (problems.length > 0) throw new Error(`run ${runId} did not deliver: ${problems.join('; ')}`);
}
