import { fail, type Failure } from '../result';

/**
 * Temporal could not take a flow's Schedule change: thrown inside the publish or status
 * transaction so it rolls back (nothing is half-written), then answered as `unavailable`.
 */
export class ScheduleUnavailable extends Error {
  override readonly name = 'ScheduleUnavailable';

  constructor(cause: unknown) {
    super(`Temporal is not reachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Runs a Schedule change; any failure becomes a `ScheduleUnavailable`. */
export async function changeSchedule(change: () => Promise<void>): Promise<void> {
  try {
    await change();
  } catch (err) {
    throw new ScheduleUnavailable(err);
  }
}

/** Maps a `ScheduleUnavailable` out of a transaction to a result; rethrows anything else. */
export function unavailable(err: unknown): Failure<'unavailable'> {
  if (err instanceof ScheduleUnavailable) return fail('unavailable', err.message);
  throw err;
}
