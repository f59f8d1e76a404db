/**
 * How the local Postmark judges one message: the per-message answer the real API gives
 * (`ErrorCode` 0 and a `MessageID`, or 300 / 406 / 1235 with its message) and, when it is
 * accepted, the record tests inspect. Only `To` is read for recipients (we never send Cc/Bcc).
 */
import { randomUUID } from 'node:crypto';

/** One message Postmark accepted, as the tests see it. */
export interface SentMessage {
  MessageID: string;
  To: string;
  From: string;
  Subject: string;
  HtmlBody?: string;
  TextBody?: string;
  MessageStream: string;
  Headers?: Array<{ Name: string; Value: string }>;
  Metadata?: Record<string, string>;
  Tag?: string;
  /** As sent; Postmark falls back to the server's setting (here: off) when absent. */
  TrackOpens?: boolean;
  /** As sent (`None`, `HtmlAndText`, `HtmlOnly`, `TextOnly`). */
  TrackLinks?: string;
  at: Date;
}

/** The per-message answer of `/email` (as the body) and of each `/email/batch` entry. */
export interface SendAnswer {
  ErrorCode: number;
  Message: string;
  MessageID?: string;
  SubmittedAt?: string;
  To?: string;
}

/** The server state a message is judged against. */
export interface MessageRules {
  messageStreams: ReadonlySet<string>;
  /** Lower-cased addresses; a message to any of them answers 406. */
  inactiveRecipients: ReadonlySet<string>;
  /** Addresses matching any of these answer 300, like a malformed address. */
  invalidRecipientPatterns: readonly RegExp[];
}

export const INVALID_EMAIL_REQUEST = 300;
export const INACTIVE_RECIPIENT = 406;
export const STREAM_NOT_FOUND = 1235;
const MAX_RECIPIENTS = 50;

// Postmark's published address rules (support article "What does ErrorCode 300 mean").
const MAILBOX = /^[a-z0-9.!#$%&'`*+\-/=^_{}|~]+$/i;
const DOMAIN = /^((\.)?[a-zA-Z0-9-])+$/;
/** Commas outside double quotes separate the addresses of a list. */
const LIST_SEPARATOR = /,(?=(?:[^"]*"[^"]*")*[^"]*$)/;

/** Judges one message; `accepted` is set only when Postmark would send it. */
export function judgeMessage(input: unknown, rules: MessageRules): { answer: SendAnswer; accepted?: SentMessage } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return reject(INVALID_EMAIL_REQUEST, 'Invalid email request: the message must be a JSON object.');
  }
  const m = input as Record<string, unknown>;
  const from = text(m.From);
  const to = text(m.To);
  const stream = text(m.MessageStream) || 'outbound';

  const fromError = addressError('From', from.trim() === '' ? [''] : [from]);
  if (fromError) return reject(INVALID_EMAIL_REQUEST, fromError, to);
  const recipients = parseAddressList(to);
  if (recipients.length === 0) return reject(INVALID_EMAIL_REQUEST, 'Zero recipients specified', to);
  if (recipients.length > MAX_RECIPIENTS) {
    return reject(INVALID_EMAIL_REQUEST, `Maximum of ${MAX_RECIPIENTS} recipients allowed per email message`, to);
  }
  const toError = addressError('To', recipients) ?? invalidByPattern(recipients, rules.invalidRecipientPatterns);
  if (toError) return reject(INVALID_EMAIL_REQUEST, toError, to);
  if (text(m.Subject).trim() === '')
    return reject(INVALID_EMAIL_REQUEST, "Invalid email request: 'Subject' is required.", to);
  if (text(m.HtmlBody) === '' && text(m.TextBody) === '') {
    return reject(INVALID_EMAIL_REQUEST, 'Provide either email TextBody or HtmlBody or both.', to);
  }
  if (!rules.messageStreams.has(stream)) {
    return reject(
      STREAM_NOT_FOUND,
      `The message stream for the provided 'MessageStream' (${stream}) was not found.`,
      to,
    );
  }
  const inactive = recipients.filter((address) => rules.inactiveRecipients.has(address.toLowerCase()));
  if (inactive.length > 0) {
    return reject(
      INACTIVE_RECIPIENT,
      'You tried to send to recipient(s) that have been marked as inactive. ' +
        `Found inactive addresses: ${inactive.join(', ')}. Inactive recipients are ones that have ` +
        'generated a hard bounce, a spam complaint, or a manual suppression.',
      to,
    );
  }

  const at = new Date();
  const accepted: SentMessage = {
    MessageID: randomUUID(),
    To: to,
    From: from,
    Subject: text(m.Subject),
    HtmlBody: optional(m.HtmlBody),
    TextBody: optional(m.TextBody),
    MessageStream: stream,
    Headers: m.Headers as SentMessage['Headers'],
    Metadata: m.Metadata as SentMessage['Metadata'],
    Tag: optional(m.Tag),
    TrackOpens: typeof m.TrackOpens === 'boolean' ? m.TrackOpens : undefined,
    TrackLinks: optional(m.TrackLinks),
    at,
  };
  const answer = { To: to, SubmittedAt: at.toISOString(), MessageID: accepted.MessageID, ErrorCode: 0, Message: 'OK' };
  return { answer, accepted };
}

/** The bare addresses of a `To` list: `a@x.com, "Name, Jr" <b@y.com>` → `[a@x.com, b@y.com]`. */
export function parseAddressList(list: string): string[] {
  return list
    .split(LIST_SEPARATOR)
    .map((part) => (/<([^>]*)>\s*$/.exec(part)?.[1] ?? part).trim())
    .filter((address) => address !== '');
}

/**
 * The mailboxes of a `To` list with their display names (`''` when none):
 * `"Name, Jr" <b@y.com>, a@x.com` → `[{Email: 'b@y.com', Name: 'Name, Jr'}, {Email: 'a@x.com', Name: ''}]`.
 */
export function parseMailboxList(list: string): Array<{ Email: string; Name: string }> {
  return list
    .split(LIST_SEPARATOR)
    .map((part) => {
      const angle = /^(.*)<([^>]*)>\s*$/.exec(part);
      if (!angle) return { Email: part.trim(), Name: '' };
      let name = (angle[1] ?? '').trim();
      if (name.length >= 2 && name.startsWith('"') && name.endsWith('"'))
        name = name.slice(1, -1).replace(/\\(.)/g, '$1');
      return { Email: (angle[2] ?? '').trim(), Name: name };
    })
    .filter((mailbox) => mailbox.Email !== '');
}

function addressError(field: 'From' | 'To', addresses: string[]): string | undefined {
  for (const raw of addresses) {
    const address = field === 'From' ? (parseAddressList(raw)[0] ?? '') : raw;
    const at = address.lastIndexOf('@');
    if (at < 0) return `Error parsing '${field}': Illegal email address '${address}'. It must contain the '@' symbol.`;
    const local = address.slice(0, at);
    const domain = address.slice(at + 1);
    const dotsOk = !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
    if (!MAILBOX.test(local) || !DOMAIN.test(domain) || !dotsOk) {
      return `Error parsing '${field}': Illegal email address '${address}'.`;
    }
  }
  return undefined;
}

function invalidByPattern(addresses: string[], patterns: readonly RegExp[]): string | undefined {
  const bad = addresses.find((address) => patterns.some((pattern) => pattern.test(address)));
  return bad === undefined ? undefined : `Error parsing 'To': Illegal email address '${bad}'.`;
}

function reject(ErrorCode: number, Message: string, To?: string): { answer: SendAnswer } {
  return { answer: To === undefined ? { ErrorCode, Message } : { ErrorCode, Message, To } };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
