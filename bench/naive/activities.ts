/** Per-recipient activities for the naive design: the same writes and sends, one at a time. */
import type { Db } from '../../engine/db/database';
import { renderEmail } from '../../activities/channels/email/render';
import type { EmailSender } from '../../activities/channels/email/types';

export function createNaiveActivities(db: Db, sender: EmailSender) {
  const deliver = (runId: string, customerId: string, channel: 'push' | 'email', messageId: string | null) =>
    db
      .insertInto('deliveries')
      .values({ run_id: runId, node_id: channel, customer_id: customerId, channel, status: 'sent', attempts: 1, seq: 0, reason: null, claim_key: null, provider_message_id: messageId, updated_at: new Date() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  return {
    async pushOne({ runId, customerId }: { runId: string; customerId: string }) {
      await db.updateTable('passes').set((eb) => ({ message: 'Naive ☕', update_tag: eb('update_tag', '+', 1) })).where('customer_id', '=', customerId).execute();
      await deliver(runId, customerId, 'push', null);
    },
    async emailOne({ runId, customerId }: { runId: string; customerId: string }) {
      const c = await db
        .selectFrom('customers')
        .innerJoin('cards', 'cards.id', 'customers.card_id')
        .select(['customers.name', 'customers.email', 'customers.stamps', 'cards.name as card', 'cards.stamps_required'])
        .where('customers.id', '=', customerId)
        .executeTakeFirstOrThrow();
      const r = renderEmail({ subject: 'Coffee time, {{customer.name}}', body: 'Your {{card.name}} misses you.' }, { customerName: c.name, cardName: c.card, stampsLeft: c.stamps_required - c.stamps });
      const [result] = await sender.sendBatch([{ from: 'hello@cafe.test', to: c.email ?? '', subject: r.subject, textBody: r.textBody, htmlBody: r.htmlBody, messageStream: 'broadcast' }]);
      await deliver(runId, customerId, 'email', result?.status === 'sent' ? result.providerMessageId : null);
    },
  };
}

export type NaiveActivities = ReturnType<typeof createNaiveActivities>;
