import { describe, expect, it } from 'vitest';
import { sendSummary, type SendPreviewAnswer } from './send-summary';

const rules = { frequencyCap: { push: 2, email: 2 }, quietHours: { start: '21:00', end: '09:00' }, timezone: 'Europe/Berlin' };
const preview = (over: Partial<SendPreviewAnswer>): SendPreviewAnswer => ({
  members: 37,
  alreadyEntered: 0,
  steps: [
    { nodeId: 'push', channel: 'push', reach: 37, unreachable: 0, overWeeklyLimit: 0, atMost: false },
    { nodeId: 'email', channel: 'email', reach: 21, unreachable: 16, overWeeklyLimit: 0, atMost: false },
  ],
  heldUntil: null,
  rules,
  ...over,
});

describe('sendSummary', () => {
  it('says who gets what and who cannot', () => {
    expect(sendSummary(preview({}))).toEqual({
      headline: '37 card holders: 37 pushes, 21 emails (16 have no email or did not agree)',
      held: [],
    });
  });

  it('says what the weekly limit, earlier runs and quiet hours hold back', () => {
    const steps = [{ nodeId: 'email', channel: 'email' as const, reach: 1, unreachable: 0, overWeeklyLimit: 4, atMost: true }];
    const summary = sendSummary(preview({ members: 5, steps, alreadyEntered: 2, heldUntil: '2026-12-08T08:00:00Z' }), 'customer');
    expect(summary.headline).toBe('5 customers: up to 1 email');
    expect(summary.held).toEqual([
      '4 already had 2 emails this week (your weekly limit) and will not get this one.',
      '2 already had this from an earlier run and are left out.',
      'Held until 09:00 by quiet hours (21:00–09:00).',
    ]);
  });

  it('says plainly when nobody would get anything', () => {
    expect(sendSummary(preview({ members: 0 })).headline).toBe('Nobody would get anything now: no card holder matches.');
  });
});
