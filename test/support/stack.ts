/**
 * A real stack for integration tests: a fresh Postgres database, a worker on the suite's
 * Temporal dev server (its own task queue, so test files never steal each other's work)
 * and a launcher/client to start runs.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ChannelConfig } from '../../activities/steps/context';
import type { Db } from '../../engine/db/database';
import { createCohortBatcher, type CohortBatcher } from '../../engine/runs/cohort-batcher';
import { createRunLauncher, type RunLauncher } from '../../server/temporal/run-launcher';
import { bundleWorkflows, createWorker, installRuntimeLogger } from '../../server/temporal/worker';
import { createTestDatabase } from './database';

export interface Stack {
  readonly db: Db;
  readonly dbUrl: string;
  readonly client: Client;
  readonly launcher: RunLauncher;
  /** Gathers event entries into cohort runs, as the API process does. */
  readonly batcher: CohortBatcher;
  readonly taskQueue: string;
  readonly temporalAddress: string;
  /** Starts (another) worker on the stack's task queue; returns a function that stops it. */
  startWorker(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

let bundle: Promise<WorkflowBundle> | undefined;
/** Bundling takes seconds; every stack in a test process shares one bundle. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflows();
  return bundle;
}

export const DEFAULT_CHANNELS: ChannelConfig = { emailFrom: 'Stampflow <no-reply@stampflow.test>', broadcastStream: 'broadcast' };

export interface StackOptions {
  /** Start an in-process worker (default true). */
  readonly worker?: boolean;
  /** Default: a queue of its own, so test files never take each other's tasks. */
  readonly taskQueue?: string;
  /** Runs continue as new past this many history events (default: the workflow's). */
  readonly historyLimit?: number;
}

export async function startStack(
  channels: ChannelConfig = DEFAULT_CHANNELS,
  address = inject('temporalAddress'),
  options: StackOptions = {},
): Promise<Stack> {
  installRuntimeLogger('ERROR');
  const database = await createTestDatabase();
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const stops: Array<() => Promise<void>> = [];

  const startWorker = async () => {
    const { worker, connection: wc } = await createWorker({
      address,
      db: database.db,
      channels,
      taskQueue,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    const stop = async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await wc.close();
    };
    stops.push(stop);
    return stop;
  };
  if (options.worker !== false) await startWorker();

  const launcher = createRunLauncher(client, taskQueue, options.historyLimit ? { historyLimit: options.historyLimit } : {});
  const batcher = createCohortBatcher({ db: database.db, launcher });
  batcher.start();
  stops.unshift(() => batcher.stop());
  return {
    db: database.db,
    dbUrl: database.url,
    client,
    launcher,
    batcher,
    taskQueue,
    temporalAddress: address,
    startWorker,
    async stop() {
      for (const stop of stops) await stop().catch(() => undefined);
      await connection.close();
      await database.drop();
    },
  };
}
