/**
 * The baseline: what a direct script does for the same broadcast — page through the card
 * holders, update their passes (and capture the push in the outbox), send the emails in batches of 500 through the same
 * Postmark client — from one process, four pages in flight, with no workflow and no
 * delivery ledger. Returns recipients per second.
 */
import { sql } from 'kysely';
import { createPostmarkSender } from '../../activities/channels/email/postmark-sender';
import { renderEmail } from '../../activities/channels/email/render';
import { POSTMARK_TOKEN, type BenchEnv } from './env';

const PAGE = 500;
const LANES = 4;

export async function sendDirect(env: BenchEnv, recipients: number): Promise<number> {
  const sender = createPostmarkSender({ serverToken: POSTMARK_TOKEN, apiUrl: env.postmark.url });
  const ids = (await env.db.selectFrom('customers').select('id').where('merchant_id', '=', env.merchant.merchantId).orderBy('id').execute()).map((r) => r.id);
  const t0 = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const page = ids.slice(next, next + PAGE);
      next += PAGE;
      // The push itself: the pass update plus the outbox entry (the push channel without
      // wallet credentials), as the engine does — minus the ledger and the workflow.
      await sql`update passes set message = ${'Direct ☕'}, update_tag = update_tag + 1, updated_at = now() where customer_id = any(${page}::uuid[])`.execute(env.db);
      await sql`
        insert into outbox (merchant_id, channel, recipient, body, payload)
        select ${env.merchant.merchantId}, 'push', p.serial_number, ${'Direct ☕'}, jsonb_build_object('customerId', p.customer_id)
        from passes p where p.customer_id = any(${page}::uuid[])`.execute(env.db);
      const people = await env.db
        .selectFrom('customers')
        .innerJoin('cards', 'cards.id', 'customers.card_id')
        .select(['customers.name', 'customers.email', 'customers.stamps', 'cards.name as card', 'cards.stamps_required'])
        .where('customers.id', 'in', page)
        .execute();
      await sender.sendBatch(
        people.map((p) => {
          const r = renderEmail({ subject: 'Coffee time, {{customer.name}}', body: 'Your {{card.name}} misses you: {{stampsLeft}} stamps to go.' }, { customerName: p.name, cardName: p.card, stampsLeft: p.stamps_required - p.stamps });
          return { from: 'hello@cafe.test', to: p.email ?? '', subject: r.subject, textBody: r.textBody, htmlBody: r.htmlBody, messageStream: 'broadcast' };
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  const seconds = (performance.now() - t0) / 1000;
  if (env.postmark.sent.length !== recipients) throw new Error(`direct send delivered ${env.postmark.sent.length} of ${recipients}`);
  return recipients / seconds;
}
