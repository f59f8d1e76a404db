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
}
