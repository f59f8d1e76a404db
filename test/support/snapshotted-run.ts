/**
 * A run row of a throwaway flow whose audience (every card holder) is already snapshotted:
 * what a step's activity reads its pages from, without a workflow or a Temporal server.
 */
import { randomUUID } from 'node:crypto';
import { snapshotAudience } from '../../engine/audience/snapshot';
import type { Db } from '../../engine/db/database';
import type { StepContext } from '../../activities/steps/context';

/** Inserts a flow and a running run of it for `merchantId`, snapshots its audience; answers the run id. */
export async function snapshottedRun(db: Db, merchantId: string): Promise<string> {
  const flow = await db
    .insertInto('flows')
    .values({ merchant_id: merchantId, name: 'f', graph: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const runId = randomUUID();
  await db
    .insertInto('runs')
    .values({ id: runId, merchant_id: merchantId, flow_id: flow.id, version: 1, workflow_id: `wf-${runId}`, status: 'running' })
    .execute();
  await snapshotAudience(db, { runId, merchantId, triggerNodeId: 'trigger' });
  return runId;
}

/** A step context for `merchantId` with no caps, no quiet hours and no providers (pushes and emails go to the outbox). */
export function plainStepContext(db: Db, merchantId: string): StepContext {
  return {
    db,
    channels: { emailFrom: 'x@example.test', broadcastStream: 'broadcast' },
    caps: { push: null, email: null },
    merchant: { id: merchantId, name: 'Test', timezone: 'UTC', emailFrom: null, postalAddress: null, brandColor: null },
    claimKey: 'test/1',
  };
}
