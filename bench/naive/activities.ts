/**
 * Per-recipient activities for the naive design: for one customer at a time, the writes and
 * messages the engine's push and email steps make (see activities/steps/push.ts and
 * email.ts), without the ledger protocol, pages or batches.
 *
 * - push (the push channel without wallet credentials, as the bench's worker runs): one
 *   transaction that writes the delivery row under its natural key (run, node, channel,
 *   seq), which is also the push captured in the outbox (`outbox:<id>`), and changes the pass;
 * - email: the engine's message (merchant layout, footer, one-click unsubscribe headers,
 *   metadata), sent through the Postmark client, then its delivery row.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import type { EmailStep, PushStep } from '../../engine/compiler/plan';
import { passChanged } from '../../engine/wallet/pass-changes';
import { signUnsubscribe, unsubscribeSecret, unsubscribeUrl } from '../../engine/customers/unsubscribe-token';
import { renderEmail } from '../../engine/channels/email/render';
import type { EmailSender, OutgoingEmail } from '../../engine/channels/email/types';
import type { ChannelConfig } from '../../activities/steps/context';

export interface NaiveRecipient {
  readonly runId: string;
  readonly customerId: string;
  /** The customer's place in the audience (1..N), the deliveries' key as in the engine. */
  readonly seq: number;
}

export interface NaiveDeps {
  readonly db: Db;
  readonly sender: EmailSender;
  readonly channels: Pick<ChannelConfig, 'emailFrom' | 'broadcastStream' | 'publicUrl'> & { publicUrl: string };
  readonly steps: { readonly push: PushStep; readonly email: EmailStep };
}

export function createNaiveActivities({ db, sender, channels, steps }: NaiveDeps) {
  return {
    async pushOne({ runId, customerId, seq }: NaiveRecipient): Promise<void> {
      const step = steps.push;
      await db.transaction().execute(async (tx) => {
        // The insert is the claim, as in the engine: a retry after a commit finds the row
        // (same natural key) and does nothing more.
        const claimed = await tx
          .insertInto('deliveries')
          .values({
            run_id: runId,
            node_id: step.id,
            customer_id: customerId,
            channel: 'push',
            status: 'sent',
            provider_message_id: `outbox:${randomUUID()}`,
            attempts: 1,
            seq,
            reason: null,
            claim_key: null,
            updated_at: new Date(),
          })
          .onConflict((oc) => oc.doNothing())
          .returning('customer_id')
          .executeTakeFirst();
        if (!claimed) return;
        const pass = await sql`update passes p set message = ${step.text}, ${passChanged('p')}
          where p.customer_id = ${customerId}`.execute(tx);
        if (!pass.numAffectedRows) throw new Error(`customer ${customerId} has no pass`);
      });
    },

    async emailOne({ runId, customerId, seq }: NaiveRecipient): Promise<void> {
      const step = steps.email;
      const c = await db
        .selectFrom('customers')
        .innerJoin('cards', 'cards.id', 'customers.card_id')
        .innerJoin('merchants', 'merchants.id', 'customers.merchant_id')
        .select([
          'customers.merchant_id',
          'customers.name',
          'customers.email',
          'customers.stamps',
          'cards.name as card',
          'cards.stamps_required',
          'merchants.name as merchant',
          'merchants.email_from',
          'merchants.brand_color',
          'merchants.postal_address',
        ])
        .where('customers.id', '=', customerId)
        .executeTakeFirstOrThrow();
      const unsubscribe = unsubscribeUrl(
        channels.publicUrl,
        signUnsubscribe(await unsubscribeSecret(db), { merchantId: c.merchant_id, customerId }),
      );
      const rendered = renderEmail(
        step,
        {
          customerName: c.name,
          cardName: c.card,
          stampsLeft: Math.max(0, c.stamps_required - c.stamps),
          voucherCode: null,
          voucherExpiresOn: null,
        },
        {
          merchantName: c.merchant,
          brandColor: c.brand_color,
          postalAddress: c.postal_address,
          unsubscribeUrl: unsubscribe,
        },
      );
      const message: OutgoingEmail = {
        from: c.email_from ?? channels.emailFrom,
        to: c.email ?? '',
        subject: rendered.subject,
        textBody: rendered.textBody,
        htmlBody: rendered.htmlBody,
        messageStream: channels.broadcastStream,
        headers: [
          { name: 'List-Unsubscribe', value: `<${unsubscribe}>` },
          { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
        ],
        // A page of one: the engine's batch key for a page starting at this seq.
        metadata: {
          runId,
          nodeId: step.id,
          customerId,
          batch: createHash('sha256').update(`${runId}/${step.id}/${seq}`).digest('hex').slice(0, 32),
        },
        tag: step.id,
      };
      const [result] = await sender.sendBatch([message]);
      if (result?.status !== 'sent') throw new Error(`email to ${customerId} not accepted: ${JSON.stringify(result)}`);
      await db
        .insertInto('deliveries')
        .values({
          run_id: runId,
          node_id: step.id,
          customer_id: customerId,
          channel: 'email',
          status: 'sent',
          provider_message_id: result.providerMessageId,
          attempts: 1,
          seq,
          reason: null,
          claim_key: null,
          updated_at: new Date(),
        })
        .execute();
    },
  };
}

export type NaiveActivities = ReturnType<typeof createNaiveActivities>;
