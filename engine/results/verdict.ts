/**
 * From counts to a result: each group's conversion rate, the lift in percentage points with
 * Newcombe's 95% interval, the extra customers it brought back, and a verdict that never
 * claims more than the data shows. Pure: the counts come from `outcomes.ts`.
 */
import { newcombeDifference } from './interval';

/** Fewer members than this in either group and no verdict is given. */
export const MIN_GROUP = 30;

export type Verdict = 'worked' | 'worse' | 'no_difference' | 'too_early' | 'too_few' | 'no_holdout';

export interface GroupCounts {
  readonly customers: number;
  readonly converted: number;
}

export interface GroupResult extends GroupCounts {
  /** 0..1 (0 for an empty group). */
  readonly rate: number;
}

export interface Lift {
  /** Treated rate − held-out rate, in percentage points, with its 95% interval. */
  readonly points: number;
  readonly low: number;
  readonly high: number;
}

export interface Extra {
  /** `points / 100 × treated customers`, with the interval likewise. */
  readonly customers: number;
  readonly low: number;
  readonly high: number;
}

export interface Measured {
  readonly treated: GroupResult;
  readonly holdout: GroupResult | null;
  readonly lift: Lift | null;
  readonly extra: Extra | null;
  readonly verdict: Verdict;
}

/**
 * Measures treated against held-out counts. `windowEnded`: every member's window has closed,
 * so an interval around 0 means no difference rather than "too early".
 *
 * @example
 * measure({ customers: 180, converted: 41 }, { customers: 20, converted: 2 }, true).verdict // 'too_few'
 */
export function measure(treated: GroupCounts, holdout: GroupCounts | null, windowEnded: boolean): Measured {
  const treatedResult = withRate(treated);
  if (holdout === null || holdout.customers === 0) {
    return { treated: treatedResult, holdout: null, lift: null, extra: null, verdict: 'no_holdout' };
  }
  const holdoutResult = withRate(holdout);
  if (treated.customers === 0) {
    return { treated: treatedResult, holdout: holdoutResult, lift: null, extra: null, verdict: 'too_few' };
  }
  const d = newcombeDifference(treated.converted, treated.customers, holdout.converted, holdout.customers);
  const lift = { points: d.difference * 100, low: d.low * 100, high: d.high * 100 };
  const extra = {
    customers: d.difference * treated.customers,
    low: d.low * treated.customers,
    high: d.high * treated.customers,
  };
  return { treated: treatedResult, holdout: holdoutResult, lift, extra, verdict: verdictOf(treated, holdout, d, windowEnded) };
}

function verdictOf(treated: GroupCounts, holdout: GroupCounts, d: { low: number; high: number }, windowEnded: boolean): Verdict {
  if (treated.customers < MIN_GROUP || holdout.customers < MIN_GROUP) return 'too_few';
  if (d.low > 0) return 'worked';
  if (d.high < 0) return 'worse';
  return windowEnded ? 'no_difference' : 'too_early';
}

function withRate(g: GroupCounts): GroupResult {
  return { customers: g.customers, converted: g.converted, rate: g.customers === 0 ? 0 : g.converted / g.customers };
}
