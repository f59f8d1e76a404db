/**
 * The baseline: what a direct script does for the same broadcast — page through the card
 * holders, update their passes (and capture the push in the outbox), send the emails in
 * batches of 500 through the same Postmark client — from one process, four pages in
 * flight, with no workflow and no delivery ledger. Returns recipients per second.
 *
 * The messages are the engine's: the same push text, and each email made by the email
 * step's own `stepMessage` from the same inputs (the merchant's layout with its visible
 * unsubscribe link, the one-click unsubscribe headers, the metadata and tag), so the two
 * sides put the same bytes on the wire.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createPostmarkSender } from '../../engine/channels/email/postmark-sender';
import { batchKey, stepMessage } from '../../activities/steps/email-message';
import type { StepContext } from '../../activities/steps/context';
import { unsubscribeSecret } from '../../engine/customers/unsubscribe-token';
import { passChanged } from '../../engine/wallet/pass-changes';
import { POSTMARK_TOKEN, type BenchEnv } from './env';

const PAGE = 500;
const LANES = 4;

/** What the broadcast says: the push text and the email template of the engine's run. */
export interface DirectMessages {
  readonly push: string;
  readonly email: { readonly subject: string; readonly body: string };
}

export async function sendDirect(env: BenchEnv, recipients: number, says: DirectMessages): Promise<number> {
  const sender = createPostmarkSender({ serverToken: POSTMARK_TOKEN, apiUrl: env.postmark.url });
  const merchantId = env.merchant.merchantId;
  const ids = (
    await env.db.selectFrom('customers').select('id').where('merchant_id', '=', merchantId).orderBy('id').execute()
  ).map((r) => r.id);
  const m = await env.db
    .selectFrom('merchants')
    .select(['id', 'name', 'timezone', 'email_from', 'postal_address', 'brand_color'])
    .where('id', '=', merchantId)
    .executeTakeFirstOrThrow();
  // The worker's channel settings in the benchmark (engine/config.ts defaults).
  const ctx: Pick<StepContext, 'channels' | 'merchant'> = {
    channels: { emailFrom: 'Stampflow <no-reply@stampflow.local>', broadcastStream: 'broadcast' },
    merchant: {
      id: m.id,
      name: m.name,
      timezone: m.timezone,
      emailFrom: m.email_from,
      postalAddress: m.postal_address,
      brandColor: m.brand_color,
    },
  };
  const runId = randomUUID();
  const step = { id: 'email', ...says.email };
  const t0 = performance.now();
  const secret = await unsubscribeSecret(env.db);
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const from = next;
      const page = ids.slice(from, from + PAGE);
      next += PAGE;
      // The push itself: the pass update plus the outbox entry (the push channel without
      // wallet credentials), as the engine does — minus the ledger and the workflow.
      await sql`update passes p set message = ${says.push}, ${passChanged('p')} where p.customer_id = any(${page}::uuid[])`.execute(
        env.db,
      );
      await sql`
        insert into outbox (merchant_id, channel, recipient, body, payload)
        select ${merchantId}, 'push', p.serial_number, ${says.push}, jsonb_build_object('customerId', p.customer_id)
        from passes p where p.customer_id = any(${page}::uuid[])`.execute(env.db);
      const people = await env.db
        .selectFrom('customers')
        .innerJoin('cards', 'cards.id', 'customers.card_id')
        .select([
          'customers.id',
          'customers.name',
          'customers.email',
          'customers.stamps',
          'cards.name as card',
          'cards.stamps_required',
        ])
        .where('customers.id', 'in', page)
        .execute();
      const batch = batchKey(runId, step.id, from + 1);
      await sender.sendBatch(
        people.map((p) =>
          stepMessage(
            ctx,
            runId,
            step,
            {
              customerId: p.id,
              name: p.name,
              email: p.email,
              cardName: p.card,
              stamps: p.stamps,
              stampsRequired: p.stamps_required,
              voucherCode: null,
              voucherExpiresAt: null,
            },
            secret,
            batch,
          ),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  const seconds = (performance.now() - t0) / 1000;
  if (env.postmark.sent.length !== recipients)
    throw new Error(`direct send delivered ${env.postmark.sent.length} of ${recipients}`);
  return recipients / seconds;
}
