/**
 * Runs the retention policy (engine/retention) every `everyHours` in this process: first a
 * minute after the start, then on the interval; never two passes at once here, and several
 * processes may run it together (each run is summarised under SKIP LOCKED, deletes are by
 * slice). `everyHours` 0 turns it off.
 */
import type { Config } from '../engine/config';
import type { Db } from '../engine/db/database';
import { log } from '../engine/log';
import { applyRetention } from '../engine/retention/retention';

const FIRST_PASS_MS = 60_000;

/** Starts the timer; the returned function stops it (and waits for a pass under way). */
export function startRetentionTimer(db: Db, policy: Config['retention']): () => Promise<void> {
  if (policy.everyHours === 0) return async () => {};
  let running: Promise<void> | undefined;
  const pass = () => {
    if (running) return;
    running = applyRetention(db, policy)
      .then((report) => log.info('retention pass', { ...report }))
      .catch((err: unknown) => log.warn('retention pass failed', { err }))
      .finally(() => (running = undefined));
  };
  const first = setTimeout(pass, FIRST_PASS_MS);
  const every = setInterval(pass, policy.everyHours * 3_600_000);
  first.unref();
  every.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(every);
    await running;
  };
}
