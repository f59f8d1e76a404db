/**
 * The webhooks Postmark POSTs after it accepted a message: builders for each record type,
 * made from the stand-in's record of the accepted message, and `postWebhook`, which sends
 * one the way Postmark does (a JSON POST, HTTP basic auth taken from the webhook URL).
 *
 * Shapes follow Postmark's documented example payloads, field names and casing exactly:
 * - Delivery:           https://postmarkapp.com/developer/webhooks/delivery-webhook
 * - Bounce:             https://postmarkapp.com/developer/webhooks/bounce-webhook
 * - SpamComplaint:      https://postmarkapp.com/developer/webhooks/spam-complaint-webhook
 * - SubscriptionChange: https://postmarkapp.com/developer/webhooks/subscription-change-webhook
 *   (MessageID is null for reactivations and for manual suppressions with Origin Customer or
 *   Admin; on a reactivation SuppressionReason and Tag are null and Metadata is `{}`)
 * - Open:               https://postmarkapp.com/developer/webhooks/open-tracking-webhook
 * - Click:              https://postmarkapp.com/developer/webhooks/click-webhook
 * - Basic auth from `https://<username>:<password>@example.com/webhook`, ISO 8601 datetimes:
 *   https://postmarkapp.com/developer/webhooks/webhooks-overview
 * - Bounce type names and codes (HardBounce 1 "Hard bounce", SoftBounce 4096 "Soft bounce"):
 *   https://postmarkapp.com/developer/api/bounce-api, and the `postmark` client's own payload
 *   types (`Models.DeliveryWebhook`, `Models.BounceWebhook`, `Models.SpamComplaintWebhook`),
 *   which the builders below are checked against at compile time.
 * Note: the spam-complaint webhook page's example carries `"TypeCode": 512` (while the Bounce
 * API's type table lists SpamComplaint as 100001); we send what the webhook page shows.
 */
import type { Models } from 'postmark';
import { parseAddressList, type SentMessage } from './messages';

export type Metadata = Record<string, string>;

export interface DeliveryPayload {
  RecordType: 'Delivery';
  ServerID: number;
  MessageStream: string;
  MessageID: string;
  Recipient: string;
  Tag: string;
  DeliveredAt: string;
  Details: string;
  Metadata: Metadata;
}

interface BounceFields {
  ID: number;
  Type: string;
  TypeCode: number;
  Name: string;
  Tag: string;
  MessageID: string;
  Metadata: Metadata;
  ServerID: number;
  Description: string;
  Details: string;
  Email: string;
  From: string;
  BouncedAt: string;
  DumpAvailable: boolean;
  Inactive: boolean;
  CanActivate: boolean;
  Subject: string;
  MessageStream: string;
}

export interface BouncePayload extends BounceFields {
  RecordType: 'Bounce';
}

export interface SpamComplaintPayload extends BounceFields {
  RecordType: 'SpamComplaint';
}

export type SuppressionReason = 'HardBounce' | 'SpamComplaint' | 'ManualSuppression';
export type SubscriptionOrigin = 'Recipient' | 'Customer' | 'Admin';

export interface SubscriptionChangePayload {
  RecordType: 'SubscriptionChange';
  MessageID: string | null;
  ServerID: number;
  MessageStream: string;
  ChangedAt: string;
  Recipient: string;
  Origin: SubscriptionOrigin;
  SuppressSending: boolean;
  SuppressionReason: SuppressionReason | null;
  Tag: string | null;
  Metadata: Metadata;
}

export interface ClientDetails {
  Name: string;
  Company: string;
  Family: string;
}

export interface GeoLocation {
  CountryISOCode: string;
  Country: string;
  RegionISOCode: string;
  Region: string;
  City: string;
  Zip: string;
  Coords: string;
  IP: string;
}

interface TrackingFields {
  MessageStream: string;
  Client: ClientDetails;
  OS: ClientDetails;
  Platform: string;
  UserAgent: string;
  Geo: GeoLocation;
  MessageID: string;
  Metadata: Metadata;
  ReceivedAt: string;
  Tag: string;
  Recipient: string;
}

export interface OpenPayload extends TrackingFields {
  RecordType: 'Open';
  FirstOpen: boolean;
}

export interface ClickPayload extends TrackingFields {
  RecordType: 'Click';
  ClickLocation: 'HTML' | 'Text';
  OriginalLink: string;
}

export type WebhookPayload =
  DeliveryPayload | BouncePayload | SpamComplaintPayload | SubscriptionChangePayload | OpenPayload | ClickPayload;

/** Where webhooks go. Credentials may also sit in the URL (`https://user:pass@host/path`). */
export interface WebhookTarget {
  url: string;
  user?: string;
  password?: string;
}

/** What every builder may be told; anything left out gets a documented-looking default. */
export interface BuildOptions {
  /** Which of the message's recipients the event is about; default the first `To` address. */
  recipient?: string;
  /** The event time; default now. */
  at?: Date;
  /** Postmark's numeric server id; default 23 (the documentation's example). */
  serverId?: number;
}

export const DEFAULT_SERVER_ID = 23;

// Type codes and names are Postmark's; the hard-bounce Description is the documented example's, the
// soft-bounce texts and both SMTP `Details` lines are the stand-in's own plausible values.
const BOUNCE_TYPES = {
  HardBounce: {
    TypeCode: 1,
    Name: 'Hard bounce',
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
  },
  SoftBounce: {
    TypeCode: 4096,
    Name: 'Soft bounce',
    Description: 'Unable to temporarily deliver this email (ex: mailbox full, account disabled, exceeds quota).',
    Details: 'smtp;452 4.2.2 The email account that you tried to reach is over quota.',
  },
} as const;

export type BounceKind = keyof typeof BOUNCE_TYPES;

// The documentation's example client and location, so receivers see realistic values.
const CLIENT: ClientDetails = { Name: 'Chrome 35.0.1916.153', Company: 'Google', Family: 'Chrome' };
const OS: ClientDetails = { Name: 'OS X 10.7 Lion', Company: 'Apple Computer, Inc.', Family: 'OS X 10' };
const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/35.0.1916.153 Safari/537.36';
const GEO: GeoLocation = {
  CountryISOCode: 'RS',
  Country: 'Serbia',
  RegionISOCode: 'VO',
  Region: 'Autonomna Pokrajina Vojvodina',
  City: 'Novi Sad',
  Zip: '21000',
  Coords: '45.2517,19.8369',
  IP: '188.2.95.4',
};

let nextBounceId = 4_323_372_036;

export function buildDelivery(message: SentMessage, opts: BuildOptions = {}): DeliveryPayload {
  const payload: DeliveryPayload = {
    RecordType: 'Delivery',
    ServerID: opts.serverId ?? DEFAULT_SERVER_ID,
    MessageStream: message.MessageStream,
    MessageID: message.MessageID,
    Recipient: recipientOf(message, opts.recipient),
    Tag: message.Tag ?? '',
    DeliveredAt: iso(opts.at),
    Details: 'smtp;250 2.0.0 OK',
    Metadata: { ...message.Metadata },
  };
  return payload satisfies Models.DeliveryWebhook;
}

export interface BounceOptions extends BuildOptions {
  type: BounceKind;
  /** Whether Postmark deactivated the address; default true for a hard bounce, false for a soft one. */
  inactive?: boolean;
  description?: string;
  details?: string;
}

export function buildBounce(message: SentMessage, opts: BounceOptions): BouncePayload {
  const kind = BOUNCE_TYPES[opts.type];
  const inactive = opts.inactive ?? opts.type === 'HardBounce';
  const payload: BouncePayload = {
    RecordType: 'Bounce',
    ...bounceFields(message, opts),
    Type: opts.type,
    TypeCode: kind.TypeCode,
    Name: kind.Name,
    Description: opts.description ?? kind.Description,
    Details: opts.details ?? kind.Details,
    Inactive: inactive,
    CanActivate: true,
  };
  return payload satisfies Models.BounceWebhook;
}

export function buildSpamComplaint(message: SentMessage, opts: BuildOptions = {}): SpamComplaintPayload {
  const payload: SpamComplaintPayload = {
    RecordType: 'SpamComplaint',
    ...bounceFields(message, opts),
    Type: 'SpamComplaint',
    TypeCode: 512,
    Name: 'Spam complaint',
    Description: '',
    Details: '',
    // "Once a spam complaint is recorded, Postmark will deactivate this address and will not let you reactivate it."
    Inactive: true,
    CanActivate: false,
  };
  return payload satisfies Models.SpamComplaintWebhook;
}

export interface SubscriptionChangeOptions extends Omit<BuildOptions, 'recipient'> {
  suppress: boolean;
  /** Default `ManualSuppression` (what an unsubscribe is recorded as). Ignored on reactivation. */
  reason?: SuppressionReason;
  /** Default `Recipient` for a suppression, `Customer` for a reactivation. */
  origin?: SubscriptionOrigin;
  /** The stream when there is no message (a customer's manual suppression); default `outbound`. */
  stream?: string;
}

/**
 * A suppression or reactivation of `recipient`. `message` is the message that caused it, when
 * there is one; MessageID, Tag and Metadata are then echoed on a suppression by the recipient.
 */
export function buildSubscriptionChange(
  recipient: string,
  message: SentMessage | undefined,
  opts: SubscriptionChangeOptions,
): SubscriptionChangePayload {
  const origin = opts.origin ?? (opts.suppress ? 'Recipient' : 'Customer');
  const stream = message?.MessageStream ?? opts.stream ?? 'outbound';
  const base = { RecordType: 'SubscriptionChange' as const, ServerID: opts.serverId ?? DEFAULT_SERVER_ID };
  if (!opts.suppress) {
    return {
      ...base,
      MessageID: null,
      MessageStream: stream,
      ChangedAt: iso(opts.at),
      Recipient: recipient,
      Origin: origin,
      SuppressSending: false,
      SuppressionReason: null,
      Tag: null,
      Metadata: {},
    };
  }
  const reason = opts.reason ?? 'ManualSuppression';
  const withoutMessage = reason === 'ManualSuppression' && origin !== 'Recipient';
  if (!message && !withoutMessage) {
    throw new Error(
      `Postmark stand-in: a ${reason} suppression with Origin ${origin} comes from a message, and none was accepted for ${recipient}`,
    );
  }
  return {
    ...base,
    MessageID: withoutMessage || !message ? null : message.MessageID,
    MessageStream: stream,
    ChangedAt: iso(opts.at),
    Recipient: recipient,
    Origin: origin,
    SuppressSending: true,
    SuppressionReason: reason,
    Tag: message?.Tag ?? null,
    Metadata: { ...message?.Metadata },
  };
}

export interface OpenOptions extends BuildOptions {
  /** Whether this is the recipient's first open of the message; default true. */
  firstOpen?: boolean;
}

export function buildOpen(message: SentMessage, opts: OpenOptions = {}): OpenPayload {
  return {
    RecordType: 'Open',
    FirstOpen: opts.firstOpen ?? true,
    ...trackingFields(message, opts),
    Platform: 'WebMail',
  };
}

export interface ClickOptions extends BuildOptions {
  /** Default `HTML`. */
  location?: 'HTML' | 'Text';
}

export function buildClick(message: SentMessage, link: string, opts: ClickOptions = {}): ClickPayload {
  return {
    RecordType: 'Click',
    ClickLocation: opts.location ?? 'HTML',
    OriginalLink: link,
    ...trackingFields(message, opts),
    Platform: 'Desktop',
  };
}

/**
 * POSTs one webhook as Postmark does: the JSON body with `Content-Type: application/json`
 * and, when credentials are given or sit in the URL, `Authorization: Basic base64(user:password)`
 * (explicit `auth` wins over the URL's). Answers the receiver's HTTP status; a receiver that
 * cannot be reached rejects.
 */
export async function postWebhook(
  url: string,
  payload: WebhookPayload,
  auth?: { user: string; password: string },
): Promise<number> {
  const target = new URL(url);
  const fromUrl =
    target.username || target.password
      ? { user: decodeURIComponent(target.username), password: decodeURIComponent(target.password) }
      : undefined;
  // fetch refuses URLs with credentials; Postmark sends them as basic auth instead.
  target.username = '';
  target.password = '';
  const credentials = auth ?? fromUrl;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (credentials) {
    headers.Authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  }
  const res = await fetch(target, { method: 'POST', headers, body: JSON.stringify(payload) });
  await res.arrayBuffer(); // drain, so the connection is released
  return res.status;
}

/** The recipient an event is about: `wanted` if it is one of the message's, else the first. */
export function recipientOf(message: SentMessage, wanted?: string): string {
  const recipients = parseAddressList(message.To);
  if (wanted === undefined) return recipients[0] ?? message.To;
  const found = recipients.find((address) => address.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    throw new Error(
      `Postmark stand-in: message ${message.MessageID} was not sent to ${wanted} (its recipients: ${recipients.join(', ')})`,
    );
  }
  return found;
}

function bounceFields(message: SentMessage, opts: BuildOptions) {
  nextBounceId += 1;
  return {
    ID: nextBounceId,
    Tag: message.Tag ?? '',
    MessageID: message.MessageID,
    Metadata: { ...message.Metadata },
    ServerID: opts.serverId ?? DEFAULT_SERVER_ID,
    Email: recipientOf(message, opts.recipient),
    From: message.From,
    BouncedAt: iso(opts.at),
    // No raw dump is kept by the stand-in, so none is offered (and no `Content` is sent).
    DumpAvailable: false,
    Subject: message.Subject,
    MessageStream: message.MessageStream,
  };
}

function trackingFields(message: SentMessage, opts: BuildOptions) {
  return {
    MessageStream: message.MessageStream,
    Client: { ...CLIENT },
    OS: { ...OS },
    UserAgent: USER_AGENT,
    Geo: { ...GEO },
    MessageID: message.MessageID,
    Metadata: { ...message.Metadata },
    ReceivedAt: iso(opts.at),
    Tag: message.Tag ?? '',
    Recipient: recipientOf(message, opts.recipient),
  };
}

function iso(at: Date | undefined): string {
  return (at ?? new Date()).toISOString();
}
