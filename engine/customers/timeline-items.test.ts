import { describe, expect, it } from 'vitest';
import type { Plan } from '../compiler/plan';
import { timelineItems, type RunRecord } from './timeline-items';

const at = new Date('2026-06-03T08:00:00Z');
const plan = (push: Record<string, string>): Plan => ({
  planVersion: 1,
  triggerNodeId: 't',
  trigger: { kind: 'broadcast' },
  entry: ['p'],
  steps: { p: { kind: 'push', id: 'p', text: 'Coffee', ...push, next: { next: [] } } },
});
const record = (p: Plan, status: 'sent' | 'skipped', reason: string | null = null): RunRecord => ({
  run: {
    id: 'r',
    flowId: 'f',
    flowName: 'Campaign',
    status: 'completed',
    source: 'api',
    createdAt: at,
    startedAt: at,
    sendAt: null,
    finishedAt: at,
    error: null,
    plan: p,
    seq: 1,
    earlierEntryAt: null,
  },
  facts: { processed: new Set(['p']), outcomes: new Map(), waiting: new Map(), exit: undefined },
  deliveries: [
    { node_id: 'p', channel: 'push', status, reason, provider_message_id: null, attempts: 1, updated_at: at },
  ],
  vouchers: [],
  waitsStartedAt: new Map(),
});
const ctx = { now: at, timeZone: 'Europe/Berlin', quietHours: null };
const titles = (r: RunRecord) => timelineItems([r], ctx).map((i) => `${i.kind}: ${i.title}`);

describe('timeline items of a push with a nearby text', () => {
  const nearby = plan({ nearbyText: 'Free coffee waits', nearbyUntil: '2026-06-03T18:00:00Z', messageText: 'Long' });

  it('says the nearby text was set on the pass, as a step and not a delivery, and where the long text is', () => {
    expect(titles(record(nearby, 'sent'))).toContain(
      'step: Nearby text “Free coffee waits” set on the pass until 20:00 (shown near your shops; not a message); the full message is on the card page',
    );
    expect(titles(record(nearby, 'sent')).filter((t) => t.startsWith('delivery:'))).toHaveLength(1);
  });

  it('says it when the pass changed without a device to wake, and not when the pass was never touched', () => {
    expect(titles(record(nearby, 'skipped', 'no_wallet_device')).some((t) => t.includes('Nearby text'))).toBe(true);
    expect(titles(record(nearby, 'skipped', 'no_pass')).some((t) => t.includes('Nearby text'))).toBe(false);
    expect(titles(record(plan({}), 'sent')).some((t) => t.includes('Nearby text'))).toBe(false);
  });
});

describe('timeline items of a message held by quiet hours', () => {
  const held = (status: 'sent' | 'skipped', reason: string | null = null): RunRecord => {
    const r = record(plan({}), status, reason);
    const sentAt = new Date('2026-06-03T07:00:30Z');
    const d = { ...r.deliveries[0]!, updated_at: sentAt, held_until: new Date('2026-06-03T07:00:00Z') };
    return { ...r, deliveries: [d] };
  };

  it('says until when it was held and when it went out', () => {
    expect(titles(held('sent'))).toContain('delivery: The push “Coffee” held until 09:00 by quiet hours, sent at 09:00');
  });

  it('gives the reason, not the hold, for a held message that was then not sent', () => {
    expect(titles(held('skipped', 'frequency_cap')).find((t) => t.startsWith('delivery:'))).not.toMatch(/quiet hours/);
  });
});

describe('timeline items of an email', () => {
  it('names the email by its subject as sent', () => {
    const email: Plan = {
      ...plan({}),
      entry: ['e'],
      steps: { e: { kind: 'email', id: 'e', subject: 'Hi {{customer.name}}', body: 'x', next: { next: [] } } },
    };
    const r = record(email, 'sent');
    const d = { ...r.deliveries[0]!, node_id: 'e', channel: 'email' as const, subject: 'Hi Ada' };
    const items = timelineItems([{ ...r, deliveries: [d] }], ctx).filter((i) => i.kind === 'delivery');
    expect(items.map((i) => [i.title, i.subject])).toEqual([['The email “Hi Ada” sent', 'Hi Ada']]);
  });
});
