/**
 * What a pass shows near the merchant's shops: the nearby text a push set, while it lasts,
 * else the card's default; and, for a dated offer of at most a day, its time window.
 */
import type { PassNearby } from '../channels/wallet/types';
import type { ShopLocation } from '../db/schema';
import { MAX_LOCATIONS } from '../merchants/locations';

/** Apple's longest relevance interval (`relevantDates[]`); longer offers get no dates. */
export const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface NearbyState {
  readonly locations: readonly ShopLocation[];
  readonly text: string | null;
  readonly from: Date | null;
  readonly until: Date | null;
  readonly stampsLeft: number;
  readonly reward: string;
}

/**
 * The pass's nearby part at `now`.
 *
 * @example
 * passNearby({ locations, text: 'Free coffee ☕', from: null, until: tomorrow, stampsLeft: 3, reward: 'a coffee' }, now)
 * // { locations: [...], text: 'Free coffee ☕', window: null }
 */
export function passNearby(state: NearbyState, now: Date): PassNearby {
  const live = state.text !== null && (state.until === null || state.until.getTime() > now.getTime());
  const windowed =
    live &&
    state.from !== null &&
    state.until !== null &&
    state.until.getTime() - state.from.getTime() <= MAX_WINDOW_MS;
  return {
    locations: state.locations
      .slice(0, MAX_LOCATIONS)
      .map(({ latitude, longitude }) => ({ latitude, longitude })),
    text: live && state.text !== null ? state.text : defaultNearbyText(state.stampsLeft, state.reward),
    window: windowed && state.from && state.until ? { start: state.from, end: state.until } : null,
  };
}

/** The card's own nearby text: how far the customer is from the reward. */
export function defaultNearbyText(stampsLeft: number, reward: string): string {
  if (stampsLeft <= 0) return `${reward} is waiting for you`;
  return `${stampsLeft} more ${stampsLeft === 1 ? 'stamp' : 'stamps'} to ${reward}`;
}
