import { describe, expect, it } from 'vitest';
import { resultSentence, type ResultData } from './result-words';

const base: ResultData = {
  goal: { event: 'visit', withinDays: 7 },
  windowEndsAt: '2026-03-10T10:00:00.000Z',
  treated: { customers: 180, converted: 41, rate: 41 / 180 },
  holdout: { customers: 20, converted: 2, rate: 0.1 },
  extra: { customers: 23.0, low: 8.2, high: 35.4 },
  verdict: 'worked',
};

describe('resultSentence', () => {
  it('tells a win in one sentence, as the issue words it', () => {
    expect(resultSentence(base, 'the win-back')).toBe(
      'Of 180 who got the win-back, 41 came back within 7 days (23%). Of 20 kept back, 2 did (10%). ' +
        'It brought back about 23 extra customers (between 8 and 35).',
    );
  });

  it('never claims a difference the verdict does not allow', () => {
    const early = resultSentence({ ...base, verdict: 'too_early', extra: { customers: 4, low: -6, high: 14 } }, 'it');
    expect(early).toMatch(/Too early to tell \(the window closes 10 Mar\): so far between 6 fewer and 14 extra customers\.$/);
    expect(resultSentence({ ...base, verdict: 'no_difference', extra: { customers: 1, low: -6, high: 9 } }, 'it')).toMatch(
      /No clear difference: between 6 fewer and 9 extra customers\.$/,
    );
    expect(resultSentence({ ...base, verdict: 'too_few' }, 'it')).toMatch(/Too few customers to tell yet/);
    expect(resultSentence({ ...base, verdict: 'worse', extra: { customers: -12, low: -20, high: -3 } }, 'it')).toMatch(
      /about 12 customers fewer \(between 3 and 20\)\.$/,
    );
  });

  it('says plainly when nobody was kept back', () => {
    const r = { ...base, holdout: null, extra: null, verdict: 'no_holdout' as const, goal: { event: 'stamp' as const, withinDays: 1 } };
    expect(resultSentence(r, 'the campaign')).toBe(
      'Of 180 who got the campaign, 41 collected a stamp within 1 day (23%). Nobody was kept back, so there is no telling how many would have anyway.',
    );
  });
});
