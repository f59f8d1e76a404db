/**
 * The email vocabulary shared by every sender (Postmark, the built-in outbox) and the
 * activities that call them.
 */

/** One header added to the message, e.g. `List-Unsubscribe`. */
export interface EmailHeader {
  name: string;
  value: string;
}

/** One rendered message, ready to hand to a provider. */
export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  htmlBody: string;
  textBody: string;
  /** Postmark stream id: `outbound` (transactional) or a broadcast stream such as `broadcast`. */
  messageStream: string;
  headers?: EmailHeader[];
  /** Echoed back by Postmark webhooks: put the delivery id here. */
  metadata?: Record<string, string>;
  tag?: string;
}

/**
 * The final outcome of one message. `suppressed` and `failed` are final: retrying the same
 * message cannot change them. A send a retry could fix is never a result: it is thrown.
 */
export type SendResult =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'suppressed'; reason: string }
  | { status: 'failed'; reason: string };

export interface EmailSender {
  /** One result per message, in the order given. */
  sendBatch(messages: OutgoingEmail[]): Promise<SendResult[]>;
  /**
   * The messages the provider already accepted whose metadata has the given key and value
   * (one pair: Postmark's search filters on one metadata field at a time):
   * `metadata customerId → provider message id`. Asked before resending what a dead attempt
   * claimed, so a message accepted just before a crash is recorded instead of sent twice.
   * Throws when the provider cannot say (the caller then resends, as without it).
   */
  findAccepted?(metadata: Readonly<Record<string, string>>): Promise<Map<string, string>>;
  /**
   * A batch call still unanswered after this long is stuck (set when the call's own timeout
   * is well beyond it): the caller may then ask `findAccepted` instead of waiting it out.
   */
  readonly stuckAfterMs?: number;
}
