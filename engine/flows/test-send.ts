/**
 * `POST /v1/flows/:id/test-send`: one email step, rendered for a sample customer and sent
 * to a staff member's own address, marked as a test (subject, tag, metadata) and sent on
 * the transactional stream. It writes no delivery, so no run ever counts it; with the
 * outbox default it lands in the outbox like any email.
 */
import type { EmailSender } from '../channels/email/types';
import type { Db } from '../db/database';
import { findEmailStep } from './email-step';
import { previewEmail } from './preview-email';

export type TestSendResult =
  | { readonly ok: true; readonly to: string; readonly messageId: string }
  | { readonly ok: false; readonly code: 'not_found' | 'not_staff' | 'refused'; readonly message: string };

export interface TestSendInput {
  readonly flowId: string;
  readonly nodeId: string;
  readonly to: string;
  readonly customerId?: string | undefined;
}

/** A template sent as a test: a saved flow step's, or a campaign form's before it is sent. */
export interface TestEmailInput {
  readonly subject: string;
  readonly body: string;
  readonly to: string;
  readonly customerId?: string | undefined;
  /** Says where the test came from, in the message's metadata (`flowId`, `nodeId`, `campaign`). */
  readonly metadata: Record<string, string>;
}

/** Sends a flow's saved email step as a test to a staff member. */
export async function testSend(
  db: Db,
  sender: EmailSender,
  from: string,
  merchantId: string,
  input: TestSendInput,
): Promise<TestSendResult> {
  const step = await findEmailStep(db, merchantId, input.flowId, input.nodeId);
  if (!step.ok) return { ok: false, code: 'not_found', message: step.message };
  return sendTestEmail(db, sender, from, merchantId, {
    subject: step.subject,
    body: step.body,
    to: input.to,
    customerId: input.customerId,
    metadata: { flowId: input.flowId, nodeId: input.nodeId },
  });
}

/**
 * Renders `subject` and `body` for a customer (or a sample) and sends them, marked [Test],
 * to a staff member of the shop: test emails never go to anyone else.
 *
 * @example
 * await sendTestEmail(db, sender, from, merchantId, { subject: 'Hi {{customer.name}}', body: '…', to: 'ada@cafe.example', metadata: { campaign: 'draft' } });
 * // { ok: true, to: 'ada@cafe.example', messageId: '…' }
 */
export async function sendTestEmail(
  db: Db,
  sender: EmailSender,
  from: string,
  merchantId: string,
  input: TestEmailInput,
): Promise<TestSendResult> {
  const staff = await db
    .selectFrom('staff')
    .select('email')
    .where('merchant_id', '=', merchantId)
    .where('email', '=', input.to.trim().toLowerCase())
    .executeTakeFirst();
  if (!staff)
    return {
      ok: false,
      code: 'not_staff',
      message: `${input.to} is not a staff member of this shop: test emails go to staff only`,
    };
  const preview = await previewEmail(db, merchantId, {
    subject: input.subject,
    body: input.body,
    customerId: input.customerId,
  });
  if (!preview.ok) return { ok: false, code: 'not_found', message: preview.message };
  const merchant = await db
    .selectFrom('merchants')
    .select('email_from')
    .where('id', '=', merchantId)
    .executeTakeFirstOrThrow();
  const [result] = await sender.sendBatch([
    {
      from: merchant.email_from ?? from,
      to: staff.email,
      subject: `[Test] ${preview.subject}`,
      htmlBody: preview.html,
      textBody: preview.text,
      messageStream: 'outbound',
      metadata: { test: 'true', ...input.metadata },
      tag: 'test',
    },
  ]);
  if (!result || result.status !== 'sent')
    return {
      ok: false,
      code: 'refused',
      message: `The email service refused the test: ${result?.reason ?? 'no answer'}`,
    };
  return { ok: true, to: staff.email, messageId: result.providerMessageId };
}
