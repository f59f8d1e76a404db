/**
 * The built-in outbox: with no Postmark token (the embedded default) email is captured
 * in the `outbox` table, which the API and editor show, instead of being sent.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { EmailSender } from './types';

export function createOutboxSender(db: Db, merchantId: string): EmailSender {
  return {
    async sendBatch(messages) {
      if (messages.length === 0) return [];
      const rows = await db
        .insertInto('outbox')
        .values(
          messages.map((m) => ({
            merchant_id: merchantId,
            channel: 'email' as const,
            recipient: m.to,
            subject: m.subject,
            body: m.textBody,
            payload: JSON.stringify({
              from: m.from,
              messageStream: m.messageStream,
              htmlBody: m.htmlBody,
              headers: m.headers ?? [],
              metadata: m.metadata ?? {},
            }),
          })),
        )
        .returning('id')
        .execute();
      return rows.map((r) => ({ status: 'sent' as const, providerMessageId: `outbox:${r.id}` }));
    },

    // The outbox row and the delivery's record are separate writes: a crash between them is
    // reconciled like a provider's accepted message.
    async findAccepted(metadata) {
      let q = db
        .selectFrom('outbox')
        .select(['id', sql<string>`payload->'metadata'->>'customerId'`.as('customer_id')])
        .where('merchant_id', '=', merchantId)
        .where('channel', '=', 'email');
      for (const [key, value] of Object.entries(metadata))
        q = q.where(sql<string>`payload->'metadata'->>${key}`, '=', value);
      const rows = await q.execute();
      return new Map(rows.flatMap((r) => (r.customer_id ? [[r.customer_id, `outbox:${r.id}`] as const] : [])));
    },
  };
}
