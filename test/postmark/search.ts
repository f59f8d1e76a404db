/**
 * Postmark's outbound message search, `GET /messages/outbound`, over the messages the stand-in
 * accepted (https://postmarkapp.com/developer/api/messages-api, "Outbound message search").
 *
 * Query: `count` (required, 1..500) and `offset` (required, >= 0; count + offset <= 10,000);
 * filters `recipient`, `fromemail`, `tag`, `status` (`queued` / `sent` / `processed`),
 * `fromdate`, `todate` (inclusive; without a zone they are Eastern Time, as Postmark's API
 * reads them), `subject`, `messagestream` and `metadata_<key>=<value>` (Postmark's custom
 * metadata FAQ; several of them here combine with AND). Parameter names are matched without
 * regard to case, as Postmark does: the `postmark` npm client sends `fromEmail`, `fromDate`,
 * `toDate` and `messageStream`. Unknown parameters are ignored.
 *
 * Answer: `{TotalCount, Messages}`, newest first ("in descending order by sent date", the
 * Messages API announcement); a bad `count`, `offset`, `status` or date is 422 with
 * `{ErrorCode: 700, Message}` (700 = "Messages query exception" in Postmark's error codes).
 *
 * Choices where the documentation is silent: `recipient`, `fromemail` and `tag` compare whole
 * values without regard to case, `subject` matches a case-insensitive substring, metadata keys
 * and values match exactly. Every message here is `Sent`: `status=sent` keeps all of them,
 * `queued` and `processed` none.
 */
import { parseAddressList, parseMailboxList, type SentMessage } from './messages';

/** One entry of `Messages`, the fields Postmark documents for the search. */
export interface OutboundMessageSummary {
  Tag: string;
  MessageID: string;
  MessageStream: string;
  To: Array<{ Email: string; Name: string }>;
  Cc: Array<{ Email: string; Name: string }>;
  Bcc: Array<{ Email: string; Name: string }>;
  Recipients: string[];
  ReceivedAt: string;
  From: string;
  Subject: string;
  Attachments: string[];
  Status: 'Sent';
  TrackOpens: boolean;
  TrackLinks: string;
  Metadata: Record<string, string>;
  Sandboxed: boolean;
}

export interface OutboundSearchAnswer {
  TotalCount: number;
  Messages: OutboundMessageSummary[];
}

export type SearchReply =
  { status: 200; body: OutboundSearchAnswer } | { status: 422; body: { ErrorCode: number; Message: string } };

export const MESSAGES_QUERY_EXCEPTION = 700;
export const MAX_SEARCH_COUNT = 500;
export const MAX_SEARCH_WINDOW = 10_000;
const STATUSES = new Set(['queued', 'sent', 'processed']);
const EASTERN = 'America/New_York';
const DAY_MS = 86_400_000;

/**
 * Answers one search. `sent` is in acceptance order; a message is searchable once it has been
 * accepted for at least `delayMs` at `now` (Postmark's search index lags behind sending).
 */
export function searchOutbound(
  sent: readonly SentMessage[],
  query: URLSearchParams,
  now: Date,
  delayMs = 0,
): SearchReply {
  const params = new Map<string, string>();
  const metadata: Array<[key: string, value: string]> = [];
  for (const [name, value] of query) {
    const lower = name.toLowerCase();
    if (lower.startsWith('metadata_') && name.length > 'metadata_'.length) {
      metadata.push([name.slice('metadata_'.length), value]);
    } else if (!params.has(lower)) {
      params.set(lower, value);
    }
  }

  const count = integer(params.get('count'));
  const offset = integer(params.get('offset'));
  if (count === undefined)
    return queryError(`'count' is required and must be a whole number (1 to ${MAX_SEARCH_COUNT}).`);
  if (offset === undefined) return queryError("'offset' is required and must be a whole number (0 or more).");
  if (count < 1 || count > MAX_SEARCH_COUNT) {
    return queryError(`'count' must be between 1 and ${MAX_SEARCH_COUNT}, got ${count}.`);
  }
  if (count + offset > MAX_SEARCH_WINDOW) {
    return queryError(`'count' + 'offset' cannot exceed ${MAX_SEARCH_WINDOW}, got ${count + offset}.`);
  }

  const status = params.get('status')?.toLowerCase();
  if (status !== undefined && status !== '' && !STATUSES.has(status)) {
    return queryError(`'status' must be one of queued, sent, processed; got '${status}'.`);
  }
  const from = bound(params.get('fromdate'), 'from');
  const to = bound(params.get('todate'), 'to');
  if (from === null) return queryError(`'fromdate' is not a date: '${params.get('fromdate') ?? ''}'.`);
  if (to === null) return queryError(`'todate' is not a date: '${params.get('todate') ?? ''}'.`);

  const recipient = filterValue(params.get('recipient'))?.toLowerCase();
  const fromEmail = filterValue(params.get('fromemail'))?.toLowerCase();
  const tag = filterValue(params.get('tag'))?.toLowerCase();
  const subject = filterValue(params.get('subject'))?.toLowerCase();
  const stream = filterValue(params.get('messagestream'));
  const visibleUntil = now.getTime() - delayMs;

  const matches: SentMessage[] = [];
  for (let i = sent.length - 1; i >= 0; i -= 1) {
    const m = sent[i];
    if (!m) continue;
    const at = m.at.getTime();
    if (at > visibleUntil) continue;
    if (status === 'queued' || status === 'processed') continue;
    if (from !== undefined && at < from) continue;
    if (to !== undefined && at >= to) continue;
    if (recipient !== undefined && !parseAddressList(m.To).some((a) => a.toLowerCase() === recipient)) continue;
    if (fromEmail !== undefined && (parseAddressList(m.From)[0] ?? '').toLowerCase() !== fromEmail) continue;
    if (tag !== undefined && (m.Tag ?? '').toLowerCase() !== tag) continue;
    if (subject !== undefined && !m.Subject.toLowerCase().includes(subject)) continue;
    if (stream !== undefined && m.MessageStream !== stream) continue;
    if (!metadata.every(([key, value]) => m.Metadata?.[key] === value)) continue;
    matches.push(m);
  }
  // Sorting by time keeps "newest first" even if `sent` were ever out of order; ties keep
  // the reverse acceptance order the loop produced (a batch's last message first).
  matches.sort((a, b) => b.at.getTime() - a.at.getTime());
  return {
    status: 200,
    body: { TotalCount: matches.length, Messages: matches.slice(offset, offset + count).map(summarize) },
  };
}

/** The search's view of one accepted message. */
export function summarize(m: SentMessage): OutboundMessageSummary {
  const to = parseMailboxList(m.To);
  return {
    Tag: m.Tag ?? '',
    MessageID: m.MessageID,
    MessageStream: m.MessageStream,
    To: to,
    Cc: [],
    Bcc: [],
    Recipients: to.map((mailbox) => mailbox.Email),
    ReceivedAt: m.at.toISOString(),
    From: m.From,
    Subject: m.Subject,
    Attachments: [],
    Status: 'Sent',
    TrackOpens: m.TrackOpens ?? false,
    TrackLinks: m.TrackLinks ?? 'None',
    Metadata: { ...m.Metadata },
    Sandboxed: false,
  };
}

function queryError(detail: string): SearchReply {
  return { status: 422, body: { ErrorCode: MESSAGES_QUERY_EXCEPTION, Message: `Messages query exception: ${detail}` } };
}

function integer(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** An empty filter is no filter. */
function filterValue(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A `fromdate` (inclusive lower bound) or `todate` (exclusive upper bound, just past the
 * inclusive date or second given) in epoch ms; `undefined` when absent, `null` when invalid.
 */
function bound(value: string | undefined, side: 'from' | 'to'): number | undefined | null {
  if (value === undefined || value === '') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    value.trim(),
  );
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const parts = [y, mo, d, h ?? '0', mi ?? '0', s ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = fraction ? Math.floor(Number(fraction) * 1000) : 0;
  const wall = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], ms);
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== parts[1] - 1 ||
    check.getUTCDate() !== parts[2] ||
    parts[3] > 23 ||
    parts[4] > 59 ||
    parts[5] > 59
  ) {
    return null;
  }
  let instant: number;
  if (zone === undefined) instant = easternToUtc(wall);
  else if (zone.toUpperCase() === 'Z') instant = wall;
  else {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    instant = wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  if (side === 'from') return instant;
  // `todate` is inclusive: the whole day, minute or second it names.
  if (h === undefined) return zone === undefined ? easternToUtc(wall + DAY_MS) : instant + DAY_MS;
  if (fraction) return instant + 1;
  return instant + (s === undefined ? 60_000 : 1000);
}

/** A wall-clock time in New York (given as if it were UTC) → the real instant. */
function easternToUtc(wall: number): number {
  const first = wall - offsetAt(wall);
  return wall - offsetAt(first);
}

const easternParts = new Intl.DateTimeFormat('en-US', {
  timeZone: EASTERN,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** New York's offset from UTC at `instant`, in ms (e.g. -5 h in winter). */
function offsetAt(instant: number): number {
  const p: Record<string, number> = {};
  for (const part of easternParts.formatToParts(new Date(instant))) p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(instant / 1000) * 1000;
}
