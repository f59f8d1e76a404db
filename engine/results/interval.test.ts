import { describe, expect, it } from 'vitest';
import { newcombeDifference, wilson } from './interval';

/**
 * Newcombe (1998), Table II, method 10 (hybrid score, no continuity correction): the
 * published 95% limits for his eight worked examples, to the four decimals printed there.
 */
const NEWCOMBE_1998 = [
  { a: 56, m: 70, b: 48, n: 80, low: 0.0524, high: 0.3339 },
  { a: 9, m: 10, b: 3, n: 10, low: 0.1705, high: 0.809 },
  { a: 6, m: 7, b: 2, n: 7, low: 0.0582, high: 0.8062 },
  { a: 5, m: 56, b: 0, n: 29, low: -0.0381, high: 0.1926 },
  { a: 0, m: 10, b: 0, n: 20, low: -0.1611, high: 0.2775 },
  { a: 0, m: 10, b: 0, n: 10, low: -0.2775, high: 0.2775 },
  { a: 10, m: 10, b: 0, n: 20, low: 0.6791, high: 1 },
  { a: 10, m: 10, b: 0, n: 10, low: 0.6075, high: 1 },
] as const;

describe('newcombeDifference', () => {
  for (const { a, m, b, n, low, high } of NEWCOMBE_1998) {
    it(`matches Newcombe's published limits for ${a}/${m} − ${b}/${n}`, () => {
      const d = newcombeDifference(a, m, b, n);
      expect(d.difference).toBeCloseTo(a / m - b / n, 12);
      expect(d.low).toBeCloseTo(low, 4);
      expect(d.high).toBeCloseTo(high, 4);
    });
  }

  it('is symmetric: swapping the groups mirrors the interval', () => {
    const d = newcombeDifference(41, 180, 2, 20);
    const mirrored = newcombeDifference(2, 20, 41, 180);
    expect(mirrored.low).toBeCloseTo(-d.high, 12);
    expect(mirrored.high).toBeCloseTo(-d.low, 12);
  });
});

describe('wilson', () => {
  it("matches Newcombe's 1998 one-proportion examples (Statistics in Medicine 17:857, Table I)", () => {
    // 81 of 263: 0.2553 to 0.3662; 15 of 148: 0.0624 to 0.1605; 0 of 20: 0 to 0.1611.
    expect(wilson(81, 263).low).toBeCloseTo(0.2553, 4);
    expect(wilson(81, 263).high).toBeCloseTo(0.3662, 4);
    expect(wilson(15, 148).low).toBeCloseTo(0.0624, 4);
    expect(wilson(15, 148).high).toBeCloseTo(0.1605, 4);
    expect(wilson(0, 20)).toEqual({ low: 0, high: expect.closeTo(0.1611, 4) });
    expect(wilson(29, 29).high).toBe(1);
  });
});
