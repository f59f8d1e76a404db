import { describe, expect, it } from 'vitest';
import { newcombeDifference } from './interval';
import { measure } from './verdict';

describe('measure', () => {
  it('says worked when the whole interval is above 0', () => {
    const m = measure({ customers: 800, converted: 240 }, { customers: 200, converted: 30 }, false);
    expect(m.verdict).toBe('worked');
    const d = newcombeDifference(240, 800, 30, 200);
    expect(m.lift).toEqual({ points: d.difference * 100, low: d.low * 100, high: d.high * 100 });
    expect(m.extra?.customers).toBeCloseTo(0.15 * 800, 9);
    expect(m.extra?.low).toBeCloseTo(d.low * 800, 9);
    expect(m.treated.rate).toBe(0.3);
    expect(m.holdout?.rate).toBe(0.15);
  });

  it('says worse when the whole interval is below 0', () => {
    expect(measure({ customers: 800, converted: 80 }, { customers: 200, converted: 50 }, true).verdict).toBe('worse');
  });

  it('says no_difference when the window has ended and the interval contains 0', () => {
    expect(measure({ customers: 800, converted: 160 }, { customers: 200, converted: 38 }, true).verdict).toBe('no_difference');
  });

  it('says too_early while the window is open and the interval contains 0', () => {
    expect(measure({ customers: 800, converted: 160 }, { customers: 200, converted: 38 }, false).verdict).toBe('too_early');
  });

  it('says too_few below 30 in either group, even with a large difference, and still shows the interval', () => {
    const m = measure({ customers: 180, converted: 41 }, { customers: 29, converted: 0 }, true);
    expect(m.verdict).toBe('too_few');
    expect(m.lift?.low).toBeLessThan(m.lift?.points ?? 0);
    expect(measure({ customers: 29, converted: 29 }, { customers: 100, converted: 0 }, true).verdict).toBe('too_few');
    expect(measure({ customers: 30, converted: 30 }, { customers: 30, converted: 0 }, true).verdict).toBe('worked');
  });

  it('says no_holdout, with no lift, when nobody was kept back', () => {
    expect(measure({ customers: 500, converted: 100 }, null, true)).toEqual({
      treated: { customers: 500, converted: 100, rate: 0.2 },
      holdout: null,
      lift: null,
      extra: null,
      verdict: 'no_holdout',
    });
    expect(measure({ customers: 5, converted: 1 }, { customers: 0, converted: 0 }, true).verdict).toBe('no_holdout');
  });

  it('gives an empty treated group a rate of 0 and no lift', () => {
    const m = measure({ customers: 0, converted: 0 }, { customers: 3, converted: 1 }, true);
    expect(m).toMatchObject({ treated: { rate: 0 }, lift: null, verdict: 'too_few' });
  });
});
