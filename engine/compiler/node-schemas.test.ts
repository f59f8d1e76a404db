import { describe, expect, it } from 'vitest';
import { emailDataSchema, pushDataSchema, segmentDataSchema, telegramDataSchema, triggerDataSchema, waitDataSchema } from './node-schemas';
import { compileFlow } from './compiler';

describe('trigger data', () => {
  it('accepts a broadcast to one card at a set time', () => {
    const data = {
      trigger: 'broadcast',
      cardId: '3f8e2a4c-9b1d-4e6f-8a2b-7c5d9e0f1a2b',
      sendAt: '2025-06-03T10:00:00Z',
    };
    expect(triggerDataSchema.safeParse(data).success).toBe(true);
  });

  it('accepts a broadcast whose card and time are null (every card, now)', () => {
    expect(triggerDataSchema.safeParse({ trigger: 'broadcast', cardId: null, sendAt: null }).success).toBe(true);
  });

  it('rejects a card id that is not a uuid and a send time without a zone', () => {
    const result = triggerDataSchema.safeParse({ trigger: 'broadcast', cardId: 'card-1', sendAt: '2025-06-03 10:00' });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['cardId', 'sendAt']);
  });

  it('parses the reserved journey triggers', () => {
    for (const data of [
      { trigger: 'birthday', daysBefore: 0 },
      { trigger: 'inactive', days: 30 },
      { trigger: 'event', event: 'reward_ready' },
      { trigger: 'schedule', cron: '0 10 * * 2' },
      { trigger: 'schedule', weekday: 'tue', time: '10:00' },
    ]) {
      expect(triggerDataSchema.safeParse(data).success, JSON.stringify(data)).toBe(true);
    }
  });

  it('rejects an inactivity trigger of zero days and a schedule with no time', () => {
    expect(triggerDataSchema.safeParse({ trigger: 'inactive', days: 0 }).success).toBe(false);
    expect(triggerDataSchema.safeParse({ trigger: 'schedule', weekday: 'tue' }).success).toBe(false);
  });
});

describe('push data', () => {
  it('accepts exactly 20 characters, counting an emoji family as one', () => {
    expect(pushDataSchema.safeParse({ text: 'x'.repeat(19) + '👨‍👩‍👧‍👦' }).success).toBe(true);
  });

  it('names the length in the message of an over-long push', () => {
    const result = pushDataSchema.safeParse({ text: 'Your free coffee awaits ☕' });
    expect(result.error?.issues[0]?.message).toBe('Push text is 25 characters; the wallet shows at most 20.');
  });

  it('keeps leading and trailing spaces as written', () => {
    expect(pushDataSchema.parse({ text: ' Hi ' }).text).toBe(' Hi ');
  });
});

describe('email data', () => {
  it('trims the subject and keeps the body as written', () => {
    const data = emailDataSchema.parse({ subject: '  Hello {{ customer.name }} ', body: ' Hi\n' });
    expect(data).toEqual({ subject: 'Hello {{ customer.name }}', body: ' Hi\n' });
  });

  it('rejects a subject of two lines and a body over 50,000 characters', () => {
    const result = emailDataSchema.safeParse({ subject: 'a\nb', body: 'x'.repeat(50_001) });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['subject', 'body']);
  });
});

describe('segment data', () => {
  it('defaults to all conditions matching', () => {
    const data = segmentDataSchema.parse({ conditions: [{ field: 'stamps', op: 'gte', value: 3 }] });
    expect(data.match).toBe('all');
  });

  it('rejects a fractional or negative number', () => {
    for (const value of [1.5, -1]) {
      const result = segmentDataSchema.safeParse({ conditions: [{ field: 'stamps', op: 'gte', value }] });
      expect(result.error?.issues[0]?.path).toEqual(['conditions', 0, 'value']);
    }
  });

  it('rejects a number for a yes/no field', () => {
    const result = segmentDataSchema.safeParse({ conditions: [{ field: 'hasEmail', op: 'eq', value: 1 }] });
    expect(result.success).toBe(false);
  });
});

describe('wait data', () => {
  it('accepts fractional parts that add up to more than zero', () => {
    expect(waitDataSchema.safeParse({ for: { hours: 1.5 } }).success).toBe(true);
  });

  it('parses waits until a time of day and until a visit', () => {
    expect(waitDataSchema.safeParse({ until: { time: '09:30', weekdays: ['mon', 'fri'] } }).success).toBe(true);
    expect(waitDataSchema.safeParse({ until: { time: '09:30', weekday: 'mon' } }).success).toBe(true);
    expect(waitDataSchema.safeParse({ untilVisit: { days: 7 } }).success).toBe(true);
  });

  it('rejects a wait for a visit of zero and one weekday given twice', () => {
    expect(waitDataSchema.safeParse({ untilVisit: {} }).success).toBe(false);
    expect(waitDataSchema.safeParse({ until: { time: '09:30', weekday: 'mon', weekdays: ['tue'] } }).success).toBe(false);
  });

  it('rejects a wait longer than 366 days', () => {
    expect(waitDataSchema.safeParse({ for: { days: 366, seconds: 1 } }).success).toBe(false);
  });

  it('rejects a wait with two settings', () => {
    const result = waitDataSchema.safeParse({ for: { days: 1 }, until: { time: '10:00' } });
    expect(result.error?.issues[0]?.path).toEqual(['until']);
  });
});

describe('telegram data', () => {
  it('rejects an empty message, one over 4,096 characters and an unknown placeholder, each in words', () => {
    const messages = (text: string) => telegramDataSchema.safeParse({ text }).error?.issues.map((i) => i.message) ?? [];
    expect(messages('  ')).toEqual(['Telegram message is empty.']);
    expect(messages('x'.repeat(4097))).toEqual(['Telegram message is 4,097 characters; the limit is 4,096.']);
    expect(messages('Hi {{customer.nmae}}')[0]).toMatch(/^Unknown placeholder \{\{customer\.nmae\}\}/);
    expect(messages(`Hi {{customer.name}} ${'x'.repeat(4000)}`)).toEqual([]);
  });

  it('compiles a telegram node to a telegram step of the same kind', () => {
    const compiled = compileFlow({
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } },
        { id: 'tg', type: 'telegram', position: { x: 1, y: 0 }, data: { text: 'Hi {{customer.name}}' } },
      ],
      edges: [{ id: 'e', source: 'trigger', target: 'tg', sourceHandle: null }],
    });
    expect(compiled.ok && compiled.plan.steps['tg']).toEqual({ kind: 'telegram', id: 'tg', text: 'Hi {{customer.name}}', next: { next: [] } });
  });
});
