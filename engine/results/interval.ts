/**
 * Confidence intervals for conversion rates: Wilson's score interval for one proportion and
 * Newcombe's hybrid score interval (his method 10) for the difference of two. Both behave
 * at the edges (0 of n, n of n, small groups) where the textbook Wald interval does not.
 *
 * Newcombe RG. Interval estimation for the difference between independent proportions:
 * comparison of eleven methods. Statistics in Medicine 1998;17:873–890.
 */

/** The normal quantile of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Wilson's score interval for `successes` of `n` (n > 0). */
export function wilson(successes: number, n: number, z = Z95): Interval {
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  // The limits are exactly 0 and 1 at the edges; floating point would leave 1e-17 there.
  return {
    low: successes === 0 ? 0 : (centre - spread) / denominator,
    high: successes === n ? 1 : (centre + spread) / denominator,
  };
}

/** A difference of two proportions with its interval, as fractions (-1..1). */
export interface Difference extends Interval {
  readonly difference: number;
}

/**
 * Newcombe's hybrid score interval for p1 − p2, with p1 = a/m and p2 = b/n (m, n > 0).
 *
 * @example
 * newcombeDifference(56, 70, 48, 80) // { difference: 0.2, low: 0.0524…, high: 0.3339… }
 */
export function newcombeDifference(a: number, m: number, b: number, n: number, z = Z95): Difference {
  const p1 = a / m;
  const p2 = b / n;
  const one = wilson(a, m, z);
  const two = wilson(b, n, z);
  const difference = p1 - p2;
  return {
    difference,
    low: difference - Math.sqrt((p1 - one.low) ** 2 + (two.high - p2) ** 2),
    high: difference + Math.sqrt((one.high - p1) ** 2 + (p2 - two.low) ** 2),
  };
}
