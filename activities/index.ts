/**
 * The activities of a run, made with their dependencies (`createActivities(deps)`), so
 * the worker wires real ones and tests can wire a local Postmark server. Workflows
 * import only the type `RunActivities`.
 */
import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../engine/db/database';
import type { ExitRule, Plan, Step } from '../engine/compiler/plan';
import { loadMessagingRules } from '../engine/merchants/messaging-rules';
import { openScheduledRun, type OpenScheduledRunInput } from '../engine/runs/open-scheduled-run';
import { quietHoursEnd } from '../engine/time/zoned';
import type { MemberGroup, SeqRange } from '../engine/runs/member-group';
import { snapshotAudience, type SnapshotInput } from '../engine/audience/snapshot';
import { finishRun, type FinishInput } from './runs/run-status';
import type { ChannelConfig, StepContext } from './steps/context';
import { processStepRange, type OutcomeCounts } from './steps/process-step';
import {
  closeVisitWait,
  closeWait,
  collectVisitors,
  openWait,
  type CloseVisitWaitInput,
  type LeftWait,
  type OpenWaitInput,
  type VisitorsInput,
} from './waits/waits';

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
  /** The group's members this call works through, page by page. */
  readonly range: SeqRange;
  /** Tasks scheduled before `range` (the same range as two fields); read when `range` is absent. */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** The run's exit rules, if any: members who met one leave before this step. */
  readonly exitOn?: readonly ExitRule[] | undefined;
  /** The run keeps members back: they left at the trigger (`run_exits`) and are left out. */
  readonly holdout?: boolean | undefined;
  /** Quiet hours held the step's messages until then (epoch ms): written on their deliveries. */
  readonly heldUntil?: number | null | undefined;
}

/**
 * An input that names a node, as a task may hold it: tasks scheduled before `stepId` became
 * `nodeId` (December 2026) name it `stepId`, and Temporal keeps them in the histories of
 * runs in flight. Read when `nodeId` is absent (see {@link withNodeId}).
 */
type Scheduled<T extends { readonly nodeId: string }> =
  | T
  | (Omit<T, 'nodeId'> & { readonly nodeId?: undefined; /** Legacy name of `nodeId`. */ readonly stepId: string });

/** The input with its node id as `nodeId`, whichever name the task gave it. */
function withNodeId<T extends { readonly nodeId: string }>(input: Scheduled<T>): T {
  if (input.nodeId !== undefined) return input as T;
  const { stepId, ...rest } = input;
  return { ...rest, nodeId: stepId } as unknown as T;
}

export function createActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    async snapshotAudience(input: SnapshotInput): Promise<number> {
      // The run's heartbeat timeout (5 s) holds from the activity's start: a million card
      // holders take longer than that to snapshot, and a silent activity would be retried
      // (its retry then waiting on the first attempt's lock) again and again.
      const beat = setInterval(() => heartbeat(), 1_000);
      try {
        return await snapshotAudience(db, input);
      } finally {
        clearInterval(beat);
      }
    },

    async processStep(input: ProcessStepInput): Promise<OutcomeCounts> {
      const merchant = await db
        .selectFrom('merchants')
        .leftJoin('merchant_settings as s', 's.merchant_id', 'merchants.id')
        .select([
          'merchants.id',
          'merchants.name',
          'merchants.timezone',
          'merchants.email_from',
          'merchants.postal_address',
          'merchants.brand_color',
          's.push_cap_7d',
          's.email_cap_7d',
        ])
        .where('merchants.id', '=', input.merchantId)
        .executeTakeFirst();
      if (!merchant)
        throw ApplicationFailure.nonRetryable(`merchant ${input.merchantId} does not exist`, 'MerchantMissing');
      const info = activityInfo();
      const ctx: StepContext = {
        db,
        channels: deps.channels,
        merchant: {
          id: merchant.id,
          name: merchant.name,
          timezone: merchant.timezone,
          emailFrom: merchant.email_from,
          postalAddress: merchant.postal_address,
          brandColor: merchant.brand_color,
        },
        claimKey: `${info.workflowExecution?.workflowId ?? 'local'}/${info.activityId}`,
        caps: { push: merchant.push_cap_7d, email: merchant.email_cap_7d },
        heldUntil: typeof input.heldUntil === 'number' ? new Date(input.heldUntil) : null,
      };
      const exits = input.exitOn?.length
        ? { rules: input.exitOn, since: await enteredAt(db, input.runId) }
        : input.holdout
          ? { rules: [], since: new Date(0) }
          : undefined;
      return processStepRange(
        ctx,
        { runId: input.runId, group: input.group },
        input.step,
        input.range ?? { from: input.fromSeq ?? 0, to: input.toSeq ?? 0 },
        exits,
      );
    },

    async openWait(input: OpenWaitInput): Promise<{ startedAt: number; until: number }> {
      return openWait(db, input);
    },

    async closeWait(input: Scheduled<{ runId: string; nodeId: string; groupKey: string }>): Promise<void> {
      await closeWait(db, withNodeId(input));
    },

    async collectVisitors(input: Scheduled<VisitorsInput>): Promise<LeftWait> {
      return collectVisitors(db, withNodeId(input));
    },

    async closeVisitWait(input: Scheduled<CloseVisitWaitInput>): Promise<LeftWait> {
      return closeVisitWait(db, withNodeId(input));
    },

    /** When the merchant's quiet hours end, epoch ms, if they hold now; else null. */
    async quietHoursEnd(input: { merchantId: string }): Promise<number | null> {
      const rules = await loadMessagingRules(db, input.merchantId);
      if (!rules.quietHours) return null;
      return quietHoursEnd(new Date(), rules.timezone, rules.quietHours)?.getTime() ?? null;
    },

    async openScheduledRun(input: OpenScheduledRunInput): Promise<{ runId: string; plan: Plan } | null> {
      return openScheduledRun(db, input);
    },

    async finishRun(input: FinishInput): Promise<void> {
      await finishRun(db, input);
    },
  };
}

/** When the run's members entered it (its snapshot). */
async function enteredAt(db: Db, runId: string): Promise<Date> {
  const run = await db
    .selectFrom('runs')
    .select(['started_at', 'created_at'])
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
  return run.started_at ?? run.created_at;
}

export type RunActivities = ReturnType<typeof createActivities>;
