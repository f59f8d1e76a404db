// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { cameBackText } from './CameBackCell';
import type { ResultData } from './result-words';
import { stepResultText } from './step-results';

const base: ResultData = {
  goal: { event: 'visit', withinDays: 7 },
  windowEndsAt: '2026-01-10T00:00:00.000Z',
  treated: { customers: 312, converted: 41, rate: 41 / 312 },
  holdout: null,
  extra: null,
  verdict: 'no_holdout',
};
const after = new Date('2026-01-11T00:00:00Z');
const during = new Date('2026-01-05T00:00:00Z');

describe('the "Came back" column', () => {
  it('says how many of those who got it came back, with the share', () => {
    expect(cameBackText(base, after).text).toBe('41 of 312 (13%)');
    expect(cameBackText(base, during).title).toMatch(/so far$/);
  });
  it('shows a dash when nobody got it, and "too early" while the window is open with nobody back yet', () => {
    expect(cameBackText(undefined).text).toBe('—');
    expect(cameBackText({ ...base, treated: { customers: 0, converted: 0, rate: 0 } }, after).text).toBe('—');
    const none = { ...base, treated: { customers: 312, converted: 0, rate: 0 } };
    expect(cameBackText(none, during).text).toBe('too early');
    expect(cameBackText(none, after).text).toBe('0 of 312 (0%)');
  });
});

describe('a message step on the canvas', () => {
  it('reads "312 got it · 41 came back", or says nobody got it', () => {
    expect(stepResultText({ got: 1312, cameBack: 41 })).toBe('1,312 got it · 41 came back');
    expect(stepResultText(undefined)).toBe('Nobody got it in the last 30 days');
    expect(stepResultText({ got: 0, cameBack: 0 })).toBe('Nobody got it in the last 30 days');
  });
});
