/**
 * Reading a run's Temporal history for the run inspector (`GET /v1/runs/:id/history`): the
 * whole continue-as-new chain through the launcher, in plain words (`history.ts`).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { log } from '../../engine/log';
import { MAX_HISTORY_EVENTS, type RunLauncher } from '../../engine/runs/launcher';
import { historyEntries, type HistoryEntry } from './history-entries';
import { fail, type Failure } from '../../engine/result';

export type RunHistoryResult =
  | {
      readonly ok: true;
      readonly events: HistoryEntry[];
      /** Temporal runs in the chain that were read (more than 1 after continue-as-new). */
      readonly runs: number;
      readonly truncated: boolean;
    }
  | Failure<'not_found' | 'unavailable'>;

/**
 * The history of a run's workflow, at most {@link MAX_HISTORY_EVENTS} events.
 *
 * @example
 * const history = await runHistory(launcher, run.workflow_id);
 * if (history.ok) for (const e of history.events) show(e.time, e.summary);
 */
export async function runHistory(launcher: RunLauncher, workflowId: string): Promise<RunHistoryResult> {
  try {
    const history = await launcher.history(workflowId, { maxEvents: MAX_HISTORY_EVENTS });
    return { ok: true, events: historyEntries(history), runs: history.runs.length, truncated: history.truncated };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      const message = 'Temporal no longer has this run’s workflow (its history is kept for the namespace’s retention period)';
      return fail('not_found', message);
    }
    log.warn('run history read failed', { workflowId, err });
    const reason = err instanceof Error ? err.message : String(err);
    return fail('unavailable', `Temporal is not reachable: ${reason}`);
  }
}
