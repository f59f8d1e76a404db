/**
 * The activities of a run, made with their dependencies (`createActivities(deps)`), so
 * the worker wires real ones and tests can wire a local Postmark server. Workflows
 * import only the type `RunActivities`.
 */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../engine/db/database';
import type { Step } from '../engine/flow/plan';
import { snapshotAudience, type SnapshotInput } from './audience/snapshot';
import { finishRun, type FinishInput } from './runs/run-status';
import type { ChannelConfig, StepContext } from './steps/context';
import type { MemberGroup } from './steps/members';
import { processStepRange, type OutcomeCounts } from './steps/process-step';

export interface ActivityDeps {
  readonly db: Db;
  readonly channels: ChannelConfig;
}

export interface ProcessStepInput {
  readonly runId: string;
  readonly merchantId: string;
  readonly step: Step;
  /** The members the step works on: the snapshot or a segment outcome before it. */
  readonly group: MemberGroup;
  /** Inclusive. */
  readonly fromSeq: number;
  /** Exclusive. */
  readonly toSeq: number;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async snapshotAudience(input: SnapshotInput): Promise<number> {
      return snapshotAudience(deps.db, input);
    },

    async processStep(input: ProcessStepInput): Promise<OutcomeCounts> {
      const merchant = await deps.db
        .selectFrom('merchants')
        .select(['id', 'name', 'timezone', 'email_from'])
        .where('id', '=', input.merchantId)
        .executeTakeFirst();
      if (!merchant) throw ApplicationFailure.nonRetryable(`merchant ${input.merchantId} does not exist`, 'MerchantMissing');
      const info = activityInfo();
      const ctx: StepContext = {
        db: deps.db,
        channels: deps.channels,
        merchant: { id: merchant.id, name: merchant.name, timezone: merchant.timezone, emailFrom: merchant.email_from },
        claimKey: `${info.workflowExecution?.workflowId ?? 'local'}/${info.activityId}`,
      };
      return processStepRange(ctx, { runId: input.runId, group: input.group }, input.step, input.fromSeq, input.toSeq);
    },

    async finishRun(input: FinishInput): Promise<void> {
      await finishRun(deps.db, input);
    },
  };
}

export type RunActivities = ReturnType<typeof createActivities>;
