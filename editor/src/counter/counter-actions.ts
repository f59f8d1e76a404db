/** The counter's calls: each tap one event with its own id, retried safely when the network drops it. */
import { ApiFailure, api, call } from '../api';
import { tapId } from './tap-id';

/** Retries a call that never reached the server; the same event id makes that safe. */
async function withRetry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof ApiFailure && err.code === 'network_error') || i >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 400 * i));
    }
  }
}

/** One tap: a stamp (a visit and a stamp) or the reward redeemed, under an id made once for the tap. */
export function recordTap(customerId: string, type: 'stamp' | 'reward_redeemed') {
  const id = tapId();
  return withRetry(() => call(api.v1.events.$post({ json: { id, customerId, type } })));
}

/** Takes back a stamp given by mistake. */
export const undoStamp = (eventId: string) => call(api.v1.events[':id'].undo.$post({ param: { id: eventId } }));

/** Redeems one of the customer's vouchers. */
export const redeemVoucher = (code: string) => call(api.v1.vouchers[':code'].redeem.$post({ param: { code } }));
