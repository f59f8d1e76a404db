/**
 * Exactly once with a provider that has no idempotency key: what Postmark already accepted
 * of a page, asked through its outbound message search before anything is resent (a dead
 * attempt's claims) and while a batch call hangs.
 */
import type { EmailSender, OutgoingEmail, SendResult } from '../../engine/channels/email/types';
import type { Outcome } from '../../engine/deliveries/ledger';
import { log } from '../../engine/log';
import type { MessageRecipient } from './members';
/**
 * Sends the batch; while the call is stuck (no answer after the sender's `stuckAfterMs`,
 * and then at that interval) asks the provider which of the batch's messages it has
 * accepted. When it has accepted every one, they were sent: their results are the
 * provider's message ids, and the page goes on without waiting out the call's timeout (the
 * call's own answer, whenever it comes, is not needed: the search found every message it
 * could report). When the search finds fewer, or cannot answer, the call is waited for as
 * before: nothing is resent while it is pending, so waiting less never doubles a message.
 */
export async function sendOrFindAccepted(
  sender: EmailSender,
  messages: OutgoingEmail[],
  batch: string,
  eligible: readonly MessageRecipient[],
): Promise<SendResult[]> {
  const call = sender.sendBatch(messages);
  const findAccepted = sender.findAccepted?.bind(sender);
  const stuckAfterMs = sender.stuckAfterMs;
  if (!findAccepted || stuckAfterMs === undefined) return call;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const answered = call.finally(() => {
    settled = true;
    clearTimeout(timer);
  });
  const found = new Promise<SendResult[]>((resolve) => {
    const look = async () => {
      if (settled) return;
      try {
        const accepted = await findAccepted({ batch });
        const ids = eligible.map((r) => accepted.get(r.customerId));
        if (!settled && ids.every((id) => id !== undefined)) {
          return resolve(ids.map((id) => ({ status: 'sent', providerMessageId: id ?? '' })));
        }
      } catch {
        // The search cannot say now: the call is waited for, and the search asked again.
      }
      if (!settled) timer = setTimeout(() => void look(), stuckAfterMs);
    };
    timer = setTimeout(() => void look(), stuckAfterMs);
  });
  const first = await Promise.race([answered.then((r) => ({ r })), found.then((r) => ({ r, found: true }))]);
  if ('found' in first) {
    settled = true;
    clearTimeout(timer);
    answered.catch(() => undefined); // its late failure (a timeout) changes nothing now
  }
  return first.r;
}

/** The ledger outcomes for the first `results.length` recipients; a sent one keeps its message's subject. */
export function answers(
  recipients: readonly MessageRecipient[],
  results: readonly SendResult[],
  messages: readonly Pick<OutgoingEmail, 'subject'>[],
): Outcome[] {
  return results.map((res, i) => {
    const who = { seq: recipients[i]?.seq ?? 0, customerId: recipients[i]?.customerId ?? '' };
    return res.status === 'sent'
      ? { ...who, status: 'sent', providerMessageId: res.providerMessageId, subject: messages[i]?.subject ?? null }
      : { ...who, status: res.status, reason: res.reason };
  });
}

/**
 * Of the messages a dead attempt claimed (`retried`), those the provider already accepted:
 * recorded as sent instead of sent again. When the provider cannot say, nothing: they are
 * resent, and a repeat shows as `attempts > 1` as before.
 */
export async function acceptedBefore(
  sender: EmailSender,
  metadata: Record<string, string>,
  eligible: readonly MessageRecipient[],
  retried: ReadonlySet<string>,
): Promise<{ r: MessageRecipient; messageId: string }[]> {
  if (!sender.findAccepted) return [];
  let accepted: Map<string, string>;
  try {
    accepted = await sender.findAccepted(metadata);
  } catch (err) {
    log.warn('could not ask the email provider what it already accepted; resending the claimed messages', {
      ...metadata,
      err,
    });
    return [];
  }
  return eligible.flatMap((r) => {
    const messageId = retried.has(r.customerId) ? accepted.get(r.customerId) : undefined;
    return messageId ? [{ r, messageId }] : [];
  });
}
