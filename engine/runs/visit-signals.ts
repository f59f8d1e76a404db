/**
 * A visit during a wait-for-visit: the runs in which this customer waits for one (found by
 * `recordEvent` in the event's own statement) are signalled, so the wait moves them on by
 * `visited` within seconds. The wait also looks by itself now and then, so a lost signal
 * only delays them.
 */
import { log } from '../log';
import type { RunLauncher } from './launcher';

export async function signalVisit(launcher: RunLauncher, workflowIds: readonly string[]): Promise<void> {
  await Promise.all(
    workflowIds.map((workflowId) => launcher.signalVisit(workflowId).catch((err: unknown) => log.warn('visit signal failed', { workflowId, err }))),
  );
}
