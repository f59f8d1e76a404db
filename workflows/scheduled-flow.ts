/**
 * What a flow's Temporal Schedule starts (birthday, win-back, expiring vouchers, recurring
 * broadcasts): it opens its own run row for the flow's latest version, then runs it like any
 * other run. A paused or archived flow, or one with no version, opens nothing.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RunActivities } from '../activities';
import { runFlow } from './run-flow';
import type { RunResult, ScheduledFlowInput } from './types';

const { openScheduledRun } = proxyActivities<RunActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Set by Temporal on every workflow a Schedule starts: the time it was due. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export async function scheduledFlow(input: ScheduledFlowInput): Promise<RunResult> {
  const { workflowId, typedSearchAttributes } = workflowInfo();
  // A firing caught up after downtime takes the cohort of the day it was due, not of today.
  const dueAt = typedSearchAttributes.get(SCHEDULED_START)?.toISOString();
  const opened = await openScheduledRun({ merchantId: input.merchantId, flowId: input.flowId, workflowId, dueAt });
  if (opened === null) return { members: 0 };
  return runFlow({ runId: opened.runId, merchantId: input.merchantId, plan: opened.plan, historyLimit: input.historyLimit });
}
