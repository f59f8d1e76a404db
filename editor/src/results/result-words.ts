/**
 * A result in a café owner's words: one sentence of what happened, against the customers
 * kept back, never claiming more than the verdict allows. Pure, so it is tested alone.
 */

export type GoalEvent = 'visit' | 'stamp' | 'reward_redeemed' | 'voucher_redeemed';
export type Verdict = 'worked' | 'worse' | 'no_difference' | 'too_early' | 'too_few' | 'no_holdout';

/** What `GET /v1/runs/:id/results` answers (and the flow's, without `runs`). */
export interface ResultData {
  readonly goal: { readonly event: GoalEvent; readonly withinDays: number };
  readonly windowEndsAt: string | null;
  readonly treated: { readonly customers: number; readonly converted: number; readonly rate: number };
  readonly holdout: { readonly customers: number; readonly converted: number; readonly rate: number } | null;
  readonly extra: { readonly customers: number; readonly low: number; readonly high: number } | null;
  readonly verdict: Verdict;
}

/** The goal's deed, past tense: "came back", "collected a stamp"… */
export const GOAL_DEED: Record<GoalEvent, string> = {
  visit: 'came back',
  stamp: 'collected a stamp',
  reward_redeemed: 'redeemed a reward',
  voucher_redeemed: 'redeemed a voucher',
};

/** The goal as a setting: "a visit", "a stamp"… */
export const GOAL_NOUN: Record<GoalEvent, string> = {
  visit: 'a visit',
  stamp: 'a stamp',
  reward_redeemed: 'a redeemed reward',
  voucher_redeemed: 'a redeemed voucher',
};

const percent = (rate: number) => `${Math.round(rate * 100)}%`;
const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
const customers = (n: number) => `${n} customer${n === 1 ? '' : 's'}`;
const extraCustomers = (n: number) => `${n} extra customer${n === 1 ? '' : 's'}`;
const whole = (n: number) => Math.round(Math.abs(n));

/**
 * The result in words.
 *
 * @example
 * resultSentence(r, 'the win-back')
 * // "Of 180 who got the win-back, 41 came back within 7 days (23%). Of 20 kept back, 2 did (10%). …"
 */
export function resultSentence(r: ResultData, what: string): string {
  const deed = GOAL_DEED[r.goal.event];
  const got = `Of ${r.treated.customers} who got ${what}, ${r.treated.converted} ${deed} within ${days(r.goal.withinDays)} (${percent(r.treated.rate)}).`;
  if (!r.holdout) return `${got} Nobody was kept back, so there is no telling how many would have anyway.`;
  const kept = `Of ${r.holdout.customers} kept back, ${r.holdout.converted} did (${percent(r.holdout.rate)}).`;
  return `${got} ${kept} ${verdictSentence(r)}`;
}

/** What the verdict lets us say about the difference. */
function verdictSentence(r: ResultData): string {
  const e = r.extra;
  if (r.verdict === 'too_few' || !e) return 'Too few customers to tell yet: each group needs at least 30.';
  const range = `between ${signed(e.low)} and ${signed(e.high)}`;
  switch (r.verdict) {
    case 'worked':
      return `It brought back about ${extraCustomers(whole(e.customers))} (between ${whole(e.low)} and ${whole(e.high)}).`;
    case 'worse':
      return `Those who got it did less than those kept back: about ${customers(whole(e.customers))} fewer (between ${whole(e.high)} and ${whole(e.low)}).`;
    case 'no_difference':
      return `No clear difference: ${range} customers.`;
    case 'too_early':
      return `Too early to tell${r.windowEndsAt ? ` (the window closes ${shortDate(r.windowEndsAt)})` : ''}: so far ${range} customers.`;
    case 'no_holdout':
      return '';
  }
}

function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}

/** -3 → "3 fewer", 5 → "5 extra". */
function signed(n: number): string {
  const r = Math.round(n);
  return r < 0 ? `${-r} fewer` : `${r} extra`;
}

/** The verdict as a short label for lists and badges. */
export const VERDICT_LABEL: Record<Verdict, string> = {
  worked: 'Worked',
  worse: 'Did worse',
  no_difference: 'No clear difference',
  too_early: 'Too early to tell',
  too_few: 'Too few to tell',
  no_holdout: 'Nobody kept back',
};
