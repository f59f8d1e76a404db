/**
 * A trigger in a few words for lists: "Birthday, 3 days before at 10:00", "Inactive 30 days",
 * "Every Monday 09:00". Reads a draft's trigger data leniently (a half-filled trigger still
 * gets a summary); pure, so the editor can show the same words.
 */
import { formatLocalDateTime } from '../time/zoned';
import type { FlowGraph } from './graph-schema';
import { DEFAULT_DAILY_AT, DEFAULT_VOUCHER_EXPIRING_DAYS } from './trigger-schema';

export interface TriggerSummary {
  /** The trigger's kind (`broadcast`, `birthday`, …), or null without a trigger. */
  readonly kind: string | null;
  readonly summary: string;
}

const WEEKDAY_NAMES: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const EVENT_NAMES: Record<string, string> = {
  joined: 'When a customer joins',
  stamp_added: 'When a stamp is added',
  one_stamp_to_go: 'When a card is one stamp from its reward',
  reward_ready: 'When a card is full and its reward is ready',
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * The summary of the graph's trigger node (the first node of type `trigger`).
 *
 * @example
 * triggerSummary({ nodes: [{ id: 't', type: 'trigger', position: { x: 0, y: 0 },
 *   data: { trigger: 'birthday', daysBefore: 3 } }], edges: [] })
 * // { kind: 'birthday', summary: 'Birthday, 3 days before at 10:00' }
 */
export function triggerSummary(graph: FlowGraph, timeZone?: string): TriggerSummary {
  const data = graph.nodes.find((n) => n.type === 'trigger')?.data;
  const kind = str(data?.['trigger']);
  if (!data || kind === undefined) return { kind: null, summary: 'No trigger yet' };
  return { kind, summary: describeTrigger(kind, data, timeZone) };
}

function describeTrigger(kind: string, d: Record<string, unknown>, timeZone: string | undefined): string {
  switch (kind) {
    case 'broadcast': {
      const sendAt = str(d['sendAt']);
      return sendAt ? `Broadcast on ${localTime(sendAt, timeZone)}` : 'Broadcast';
    }
    case 'birthday': {
      const before = num(d['daysBefore']);
      const at = str(d['at']) ?? DEFAULT_DAILY_AT;
      const when = before === undefined ? '' : before === 0 ? ', on the day' : `, ${days(before)} before`;
      return `Birthday${when} at ${at}`;
    }
    case 'inactive': {
      const n = num(d['days']);
      return n === undefined ? 'Inactive' : `Inactive ${days(n)}`;
    }
    case 'event': {
      const event = str(d['event']);
      if (event === 'voucher_expiring') {
        const before = num(d['daysBefore']) ?? DEFAULT_VOUCHER_EXPIRING_DAYS;
        return `Voucher expiring, ${days(before)} before at ${str(d['at']) ?? DEFAULT_DAILY_AT}`;
      }
      return (event && EVENT_NAMES[event]) ?? 'On an event';
    }
    case 'schedule': {
      const cron = str(d['cron']);
      if (cron) return `On schedule ${cron}`;
      const weekday = WEEKDAY_NAMES[str(d['weekday']) ?? ''];
      const time = str(d['time']);
      return weekday ? `Every ${weekday}${time ? ` ${time}` : ''}` : 'On a schedule';
    }
    default:
      return kind;
  }
}

/** `2025-06-03T08:00:00Z` → `2025-06-03 10:00` in the zone (UTC without one). */
function localTime(iso: string, timeZone = 'UTC'): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  try {
    return formatLocalDateTime(at, timeZone);
  } catch {
    return iso; // an unknown zone
  }
}
