/** What the push "provider" (the outbox) received, counted per customer. */
import { allPages, type Customer, type Merchant, type OutboxMessage } from '../e2e/http';

/** Push messages in the merchant's outbox, per customer (found by pass serial): text → how many. */
export async function pushesPerCustomer(m: Merchant, customers: readonly Customer[]): Promise<Map<string, Record<string, number>>> {
  const byId = new Map(customers.map((c) => [c.pass?.serialNumber ?? '', c.id]));
  const counts = new Map<string, Record<string, number>>();
  for (const message of await allPages<OutboxMessage>(m.api, '/v1/outbox?channel=push', 500)) {
    const customerId = byId.get(message.recipient);
    if (customerId === undefined) continue;
    const mine = counts.get(customerId) ?? {};
    mine[message.body] = (mine[message.body] ?? 0) + 1;
    counts.set(customerId, mine);
  }
  return counts;
}
