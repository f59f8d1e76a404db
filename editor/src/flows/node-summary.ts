/**
 * One-line descriptions of a node's settings, shown on the canvas ("Birthday · 3 days
 * before · 10:00"). Drafts may hold anything, so every reader tolerates missing or odd data.
 */
import { displayTimeZone } from '../shell/format';
import { BOOLEAN_FIELDS, NUMERIC_FIELDS, DEFAULT_DAILY_AT, DEFAULT_VOUCHER_EXPIRING_DAYS } from '../../../engine/compiler';
import { isNodeKind } from './node-meta';

type Data = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Data | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : undefined;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const WEEKDAY_LABELS = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
} as const;
export const EVENT_LABELS = {
  joined: 'A customer joins',
  stamp_added: 'A stamp is added',
  one_stamp_to_go: 'One stamp to go',
  reward_ready: 'A reward is ready',
  voucher_expiring: 'A voucher is about to expire',
} as const;
export const OP_SYMBOLS = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;

function label<T extends Record<string, string>>(labels: T, key: unknown): string | undefined {
  return typeof key === 'string' && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** "7 days", "1 h 30 min", or undefined for no duration. */
export function describeDuration(value: unknown): string | undefined {
  const d = obj(value);
  if (!d) return undefined;
  const parts: string[] = [];
  const days = num(d['days']);
  const hours = num(d['hours']);
  const minutes = num(d['minutes']);
  const seconds = num(d['seconds']);
  if (days) parts.push(plural(days, 'day'));
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds) parts.push(`${seconds} s`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function describeTrigger(d: Data): string {
  const at = str(d['at']);
  switch (d['trigger']) {
    case 'broadcast': {
      const sendAt = str(d['sendAt']);
      if (!sendAt) return 'Broadcast · when launched';
      const when = new Date(sendAt);
      return Number.isNaN(when.getTime())
        ? 'Broadcast · at a set time'
        : `Broadcast · ${when.toLocaleString([], { timeZone: displayTimeZone(), weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}`;
    }
    case 'birthday': {
      const days = num(d['daysBefore']);
      const before = days === undefined ? '? days before' : days === 0 ? 'on the day' : `${plural(days, 'day')} before`;
      return `Birthday · ${before} · ${at ?? DEFAULT_DAILY_AT}`;
    }
    case 'inactive': {
      const days = num(d['days']);
      return `No visit for ${days === undefined ? '? days' : plural(days, 'day')} · ${at ?? DEFAULT_DAILY_AT}`;
    }
    case 'event': {
      if (d['event'] === 'voucher_expiring') {
        const days = num(d['daysBefore']) ?? DEFAULT_VOUCHER_EXPIRING_DAYS;
        return `Voucher expires in ${plural(days, 'day')} · ${at ?? DEFAULT_DAILY_AT}`;
      }
      return label(EVENT_LABELS, d['event']) ?? 'An event (choose one)';
    }
    case 'schedule': {
      const cron = str(d['cron']);
      if (cron !== undefined) return `Repeats on a custom timing (${cron})`;
      const day = label(WEEKDAY_LABELS, d['weekday']) ?? '?';
      return `Every ${day} ${str(d['time']) ?? '?'}`;
    }
    default:
      return 'Choose what starts the flow';
  }
}

/** "Stamps ≥ 5", "Email consent is yes". */
export function describeCondition(value: unknown): string {
  const c = obj(value) ?? {};
  const field = c['field'];
  const op = label(OP_SYMBOLS, c['op']) ?? '?';
  if (typeof field === 'string' && Object.hasOwn(BOOLEAN_FIELDS, field)) {
    const yes = c['value'] === true ? 'yes' : c['value'] === false ? 'no' : '?';
    return `${BOOLEAN_FIELDS[field as keyof typeof BOOLEAN_FIELDS].label} ${c['op'] === 'neq' ? 'is not' : 'is'} ${yes}`;
  }
  const name =
    typeof field === 'string' && Object.hasOwn(NUMERIC_FIELDS, field)
      ? NUMERIC_FIELDS[field as keyof typeof NUMERIC_FIELDS].label
      : String(field ?? '?');
  return `${name} ${op} ${typeof c['value'] === 'number' ? c['value'] : '?'}`;
}

function describeWait(d: Data): string {
  if (d['untilVisit'] !== undefined) return `Until a visit, max ${describeDuration(d['untilVisit']) ?? '?'}`;
  const until = obj(d['until']);
  if (until) {
    const days = Array.isArray(until['weekdays'])
      ? until['weekdays']
      : until['weekday'] !== undefined
        ? [until['weekday']]
        : [];
    const names = days.map((day) => label(WEEKDAY_LABELS, day) ?? '?').join(', ');
    return `Until ${names ? `${names} ` : ''}${str(until['time']) ?? '?'}`;
  }
  const duration = describeDuration(d['for']);
  return duration ? `Wait ${duration}` : 'Set how long to wait';
}

/** The lines a node shows under its title. */
export function summaryLines(kind: string, data: Data): string[] {
  if (!isNodeKind(kind)) return [`Unknown step "${kind}"`];
  switch (kind) {
    case 'trigger':
      return [describeTrigger(data)];
    case 'segment': {
      const conditions = Array.isArray(data['conditions']) ? data['conditions'] : [];
      if (conditions.length === 0) return ['No conditions yet'];
      const shown = conditions.slice(0, 3).map(describeCondition);
      const join = data['match'] === 'any' ? 'or ' : 'and ';
      const lines = shown.map((line, i) => (i === 0 ? line : join + line));
      if (conditions.length > 3) lines.push(`+${conditions.length - 3} more`);
      return lines;
    }
    case 'wait':
      return [describeWait(data)];
    case 'push':
      return [str(data['text'])?.trim() ? `“${str(data['text'])}”` : 'No text yet'];
    case 'email':
      return [str(data['subject'])?.trim() || 'No subject yet'];
    case 'telegram': {
      const text = str(data['text'])?.trim();
      return [text ? `“${text.length > 40 ? `${text.slice(0, 39)}…` : text}”` : 'No message yet'];
    }
    case 'voucher': {
      const days = num(data['validDays']);
      return [
        str(data['title'])?.trim() || 'No title yet',
        days === undefined ? 'Validity not set' : `Valid ${plural(days, 'day')}`,
      ];
    }
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

/** A node's name in lists (the Problems panel): kind and first summary line. */
export function nodeTitle(kind: string, data: Data): string {
  const name = isNodeKind(kind) ? kind[0]!.toUpperCase() + kind.slice(1) : 'Step';
  const first = summaryLines(kind, data)[0] ?? '';
  return `${name} · ${first.length > 40 ? `${first.slice(0, 39)}…` : first}`;
}
