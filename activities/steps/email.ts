/**
 * Email step, one page: skips customers who cannot or must not be mailed (no address, no
 * consent, suppressed), sends the rest in one batch and writes each message's delivery row
 * once, final, with the provider's answer: one write per message. Reading the page is in
 * `email-recipients.ts`, composing a message in `email-message.ts`, asking Postmark what it
 * already has in `email-reconcile.ts`.
 *
 * Exactly once without a `sending` row: an activity works through its pages one at a time
 * and writes a page's rows in one statement, so a dead attempt can have sent without
 * recording only on the first page its retry finds unrecorded. The retry (attempt > 1) asks
 * the provider about that page first (`mayHaveSent`) and records the page's rows with its
 * attempt count, so a repeat the provider could not rule out shows as `attempts > 1`.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { EmailStep } from '../../engine/compiler/plan';
import { recordOnce, type Outcome } from '../../engine/deliveries/ledger';
import { unsubscribeSecret } from '../../engine/customers/unsubscribe-token';
import { createOutboxSender } from '../../engine/channels/email/outbox-sender';
import { settledBeforeFailure } from '../../engine/channels/email/postmark-sender';
import type { StepContext } from './context';
import { cappedCustomers, FREQUENCY_CAP } from '../../engine/deliveries/frequency-cap';
import { enteredRow } from './entered';
import { batchKey, stepMessage, stepSubject } from './email-message';
import { acceptedBefore, answers, sendOrFindAccepted } from './email-reconcile';
import type { MessageRecipient, PageRef } from './members';

/** Which of a page's members to send to, and which of them an earlier attempt may have sent. */
export interface EmailTodo {
  /** Customer ids without a final row. */
  readonly todo: ReadonlySet<string>;
  /** Of `todo`, those a dead attempt may have sent: the provider is asked about them first. */
  readonly mayHaveSent: ReadonlySet<string>;
  /** What the page's new rows record as `attempts` (the activity's attempt on a page it may have sent before). */
  readonly attempts: number;
}

/**
 * @param page identifies the page (its first seq) in every message's metadata, so a retry
 * can ask the provider which of the page's messages it already accepted. Its
 * `run_step_pages` row is written with the page's rows (one statement); returns whether it was.
 */
export async function emailPage(
  ctx: StepContext,
  step: EmailStep,
  recipients: readonly MessageRecipient[],
  page: PageRef,
  { todo: mine, mayHaveSent, attempts }: EmailTodo,
): Promise<boolean> {
  const { runId } = page;
  const key = { runId, nodeId: step.id, channel: 'email' as const, heldUntil: ctx.heldUntil };
  let todo = recipients.filter((r) => mine.has(r.customerId));
  if (todo.length === 0) return false;
  const counted = enteredRow(step.id, page, recipients.length);
  const outcomes: Outcome[] = [];
  const write = (more: readonly Outcome[], also?: typeof counted) =>
    recordOnce(ctx.db, key, [...outcomes, ...more], { attempts: mayHaveSent.size > 0 ? attempts : 1, also });

  const sender = ctx.channels.emailSender ?? createOutboxSender(ctx.db, ctx.merchant.id);
  const batch = batchKey(runId, step.id, page.range.from);
  if (mayHaveSent.size > 0) {
    // First what the provider already has from a dead attempt: it was sent, whatever the
    // customer's consent or the caps say now.
    const already = await acceptedBefore(sender, { batch }, todo, mayHaveSent);
    for (const { r, messageId } of already)
      outcomes.push({
        seq: r.seq,
        customerId: r.customerId,
        status: 'sent',
        providerMessageId: messageId,
        subject: stepSubject(ctx, step, r),
      });
    const done = new Set(already.map(({ r }) => r.customerId));
    todo = todo.filter((r) => !done.has(r.customerId));
  }

  const suppressed = await suppressedAddresses(ctx, todo);
  const eligible: MessageRecipient[] = [];
  for (const r of todo) {
    const who = { seq: r.seq, customerId: r.customerId };
    // A suppression names its cause (a bounce, a complaint), so it is said before consent.
    if (!r.email) outcomes.push({ ...who, status: 'skipped', reason: 'no_email' });
    else if (suppressed.has(r.email))
      outcomes.push({ ...who, status: 'suppressed', reason: `suppressed: ${suppressed.get(r.email)}` });
    else if (!r.emailConsent)
      outcomes.push({ ...who, status: 'skipped', reason: r.unsubscribed ? 'unsubscribed' : 'no_consent' });
    else eligible.push(r);
  }
  const capped = await cappedCustomers(
    ctx.db,
    'email',
    eligible.map((r) => r.customerId),
    ctx.caps.email,
  );
  if (capped.size > 0) {
    for (const r of eligible)
      if (capped.has(r.customerId))
        outcomes.push({ seq: r.seq, customerId: r.customerId, status: 'skipped', reason: FREQUENCY_CAP });
    eligible.splice(0, eligible.length, ...eligible.filter((r) => !capped.has(r.customerId)));
  }
  if (eligible.length === 0) {
    // Nobody to send to: the skips are the page's only write, with its count.
    await write([], counted);
    return true;
  }

  const secret = await unsubscribeSecret(ctx.db);
  const messages = eligible.map((r) => stepMessage(ctx, runId, step, r, secret, batch));
  let results;
  try {
    results = await sendOrFindAccepted(sender, messages, batch, eligible);
  } catch (err) {
    // Calls that went through before the failure are recorded, so a retry never repeats
    // them. A final provider refusal (bad token, bad request) records why the others got
    // nothing, so the run's history answers "why did this customer get nothing?";
    // retryable errors leave them without a row for the retry.
    const settled = answers(eligible, settledBeforeFailure(err), messages);
    const refused: Outcome[] = [];
    if (err instanceof ApplicationFailure && err.nonRetryable) {
      const reason = `provider: ${err.message}`;
      for (const r of eligible.slice(settled.length))
        refused.push({ seq: r.seq, customerId: r.customerId, status: 'failed', reason });
    }
    await write([...settled, ...refused]);
    throw err;
  }
  if (results.length !== eligible.length) {
    throw ApplicationFailure.nonRetryable(
      `provider answered ${results.length} results for ${eligible.length} messages`,
      'ProviderProtocolError',
    );
  }
  const answered = answers(eligible, results, messages);
  await write(answered, counted);
  await rememberSuppressions(ctx, eligible, answered);
  return true;
}

/** Suppressed addresses among `rows`: as read with the rows, or else asked now. */
async function suppressedAddresses(ctx: StepContext, rows: readonly MessageRecipient[]): Promise<Map<string, string>> {
  if (rows.every((r) => r.suppression !== undefined)) {
    return new Map(
      rows.flatMap((r) => (r.email && typeof r.suppression === 'string' ? [[r.email, r.suppression] as const] : [])),
    );
  }
  const emails = rows.flatMap((r) => (r.email ? [r.email] : []));
  if (emails.length === 0) return new Map();
  const found = await ctx.db
    .selectFrom('suppressions')
    .select(['email', 'reason'])
    .where('merchant_id', '=', ctx.merchant.id)
    .where('email', 'in', emails)
    .execute();
  return new Map(found.map((s) => [s.email, s.reason]));
}

/** An address the provider calls inactive is not mailed again by any later run. */
async function rememberSuppressions(
  ctx: StepContext,
  rows: readonly MessageRecipient[],
  outcomes: readonly Outcome[],
): Promise<void> {
  const values = rows
    .filter((_, i) => outcomes[i]?.status === 'suppressed')
    .map((r) => ({ merchant_id: ctx.merchant.id, email: r.email ?? '', reason: 'inactive_recipient' }));
  if (values.length === 0) return;
  await ctx.db
    .insertInto('suppressions')
    .values(values)
    .onConflict((oc) => oc.doNothing())
    .execute();
}
