import { describe, expect, it } from 'vitest';
import type { Plan } from '../compiler/plan';
import { explainRun, type ExplainContext, type ExplainedCustomer, type ExplainedRun } from './explain';
import type { RunFacts } from './journey-facts';

const now = new Date('2025-06-03T08:30:00Z'); // 10:30 in Berlin
const ctx: ExplainContext = { now, timeZone: 'Europe/Berlin', quietHours: null };
const plan: Plan = {
  planVersion: 1,
  triggerNodeId: 't',
  trigger: { kind: 'broadcast', cardId: 'card-1' },
  entry: ['w'],
  steps: {
    w: { kind: 'wait', id: 'w', mode: 'for', durationMs: 3_600_000, next: { next: ['p'] } },
    p: { kind: 'push', id: 'p', text: 'Hi', next: { next: [] } },
  },
};
const run: ExplainedRun = { status: 'running', source: 'api', startedAt: new Date('2025-06-03T08:00:00Z'), sendAt: null, error: null, plan };
const ada: ExplainedCustomer = {
  name: 'Ada',
  email: 'ada@example.test',
  emailConsent: true,
  cardId: 'card-1',
  stamps: 2,
  joinedAt: new Date('2025-01-01T00:00:00Z'),
  createdAt: new Date('2025-01-01T00:00:00Z'),
  lastVisitAt: null,
  birthdayMonth: 6,
  birthdayDay: 20,
};
const facts = (processed: string[], waiting: [string, Date][] = []): RunFacts => ({
  outcomes: new Map(),
  processed: new Set(processed),
  waiting: new Map(waiting),
  exit: undefined,
});

describe('explainRun', () => {
  it('says where a member waits and until when', () => {
    const member = { facts: facts(['w'], [['w', new Date('2025-06-03T09:00:00Z')]]), deliveries: [] };
    expect(explainRun(run, ada, member, ctx)).toEqual({ code: 'waiting', message: 'Waiting at the wait of 1 hour until 11:00' });
  });

  it('says quiet hours hold a message that is due, and until when', () => {
    const member = { facts: facts(['w']), deliveries: [] };
    const quiet = { ...ctx, quietHours: { start: '10:00', end: '12:00' } };
    expect(explainRun(run, ada, member, quiet)).toEqual({ code: 'quiet_hours', message: 'Held by quiet hours at the push “Hi” until 12:00' });
    expect(explainRun(run, ada, member, ctx).code).toBe('pending');
  });

  it('names a skipped push by its reason: capped, no pass', () => {
    const at = new Date('2025-06-01T10:00:00Z');
    const skipped = (reason: string) => ({ facts: facts(['w', 'p']), deliveries: [{ nodeId: 'p', channel: 'push' as const, status: 'skipped' as const, reason, at }] });
    expect(explainRun(run, ada, skipped('frequency_cap'), ctx)).toEqual({
      code: 'capped',
      message: 'The push “Hi” was skipped: the frequency cap (messages per 7 days) was reached',
    });
    expect(explainRun(run, ada, skipped('no_pass'), ctx).code).toBe('no_pass');
    const failed = { ...skipped('x'), deliveries: [{ nodeId: 'p', channel: 'push' as const, status: 'failed' as const, reason: 'provider: 500', at }] };
    expect(explainRun(run, ada, failed, ctx)).toEqual({ code: 'failed', message: 'The push “Hi” failed: provider: 500' });
  });

  it('says what did not go out beside what did: the push sent, the email skipped for want of consent', () => {
    const at = new Date('2025-06-03T08:05:00Z');
    const withEmail: Plan = {
      ...plan,
      steps: {
        ...plan.steps,
        p: { kind: 'push', id: 'p', text: 'Hi', next: { next: ['e'] } },
        e: { kind: 'email', id: 'e', subject: 'Hello', body: 'x', next: { next: [] } },
      },
    };
    const member = {
      facts: facts(['w', 'p', 'e']),
      deliveries: [
        { nodeId: 'p', channel: 'push' as const, status: 'sent' as const, reason: null, at },
        { nodeId: 'e', channel: 'email' as const, status: 'skipped' as const, reason: 'no_consent', at },
      ],
    };
    expect(explainRun({ ...run, plan: withEmail }, ada, member, ctx)).toEqual({
      code: 'sent',
      message: 'Got the push “Hi” at 10:05; the email “Hello” was skipped: no email consent',
    });
  });

  it('explains why a customer was left out of a run', () => {
    expect(explainRun({ ...run, plan: { ...plan, trigger: { kind: 'broadcast', cardId: 'card-2' } } }, ada, undefined, ctx).code).toBe(
      'not_in_audience',
    );
    const birthday: Plan = { ...plan, trigger: { kind: 'birthday', daysBefore: 3, at: '10:00' } };
    expect(explainRun({ ...run, plan: birthday }, ada, undefined, ctx)).toEqual({
      code: 'not_in_audience',
      message: 'Not their turn: the birthday was 17 days away that day; this flow sends 3 days before the birthday',
    });
    // Due that day, but an earlier run of the flow already gave them this year's offer.
    const due: Plan = { ...plan, trigger: { kind: 'birthday', daysBefore: 17, at: '10:00' } };
    const earlierEntryAt = new Date('2025-05-20T09:00:00Z');
    expect(explainRun({ ...run, plan: due, earlierEntryAt }, ada, undefined, ctx)).toEqual({
      code: 'not_in_audience',
      message: 'Already had this birthday offer on 20 May',
    });
    const scheduled = { ...run, status: 'scheduled' as const, startedAt: null, sendAt: new Date('2025-06-04T08:00:00Z') };
    expect(explainRun(scheduled, ada, undefined, ctx)).toEqual({
      code: 'pending',
      message: 'The run takes its audience on 2025-06-04 at 10:00; Ada holds the card, so will be in it',
    });
  });
});
