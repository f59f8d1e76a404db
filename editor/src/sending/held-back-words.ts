/**
 * What the messaging rules held back, in a café owner's words, from `GET /v1/held-back`:
 * "Messaging rules held back 16 messages in the last 30 days: 12 pushes held until 09:00 by
 * quiet hours; 4 emails over the weekly limit".
 */
import { displayTimeZone, formatClock } from '../shell/format';

export interface HeldBackCount {
  readonly rule: string;
  readonly channel: 'push' | 'email' | 'telegram';
  readonly count: number;
  /** Quiet hours: when the latest hold ended. */
  readonly until?: string;
}

export interface FlowHeldBack {
  readonly flowId: string;
  readonly total: number;
  readonly byRule: readonly HeldBackCount[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const NOUN = {
  push: ['push', 'pushes'],
  email: ['email', 'emails'],
  telegram: ['Telegram message', 'Telegram messages'],
} as const;
const RULE: Record<string, string> = { frequency_cap: 'over the weekly limit', quiet_hours: 'by quiet hours' };

/**
 * One sentence, or undefined when nothing was held back.
 *
 * @example
 * heldBackSentence({ flowId, total: 6, byRule: [{ rule: 'frequency_cap', channel: 'email', count: 4 }, …] }, 30)
 * // "Messaging rules held back 6 messages in the last 30 days: 4 emails and 2 pushes over the weekly limit"
 */
export function heldBackSentence(
  held: FlowHeldBack | undefined,
  days: number,
  timeZone: string | undefined = displayTimeZone(),
): string | undefined {
  if (!held || held.total === 0) return undefined;
  const byRule = new Map<string, string[]>();
  const until = new Map<string, string>();
  for (const c of held.byRule) {
    const [one, many] = NOUN[c.channel];
    const parts = byRule.get(c.rule) ?? [];
    parts.push(plural(c.count, one, many));
    byRule.set(c.rule, parts);
    const latest = until.get(c.rule);
    if (c.until && (!latest || c.until > latest)) until.set(c.rule, c.until);
  }
  const reasons = [...byRule].map(([rule, parts]) => {
    const end = until.get(rule);
    const held = end ? ` held until ${formatClock(end, timeZone)}` : '';
    return `${parts.join(' and ')}${held} ${RULE[rule] ?? 'by a messaging rule'}`;
  });
  return `Messaging rules held back ${plural(held.total, 'message')} in the last ${days} days: ${reasons.join('; ')}`;
}
