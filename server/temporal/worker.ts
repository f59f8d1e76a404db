/**
 * Builds the Temporal worker: the run workflow (bundled from `workflows/`) and the
 * activities wired to the database and the channels.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkflowBundle,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { log } from '../../engine/log';
import type { TemporalConnectionOptions } from './connection';
import { TASK_QUEUE } from './run-launcher';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export interface WorkerOptions extends ActivityDeps {
  readonly address: string;
  /** TLS and API key (see `connection.ts`); plain gRPC when absent. */
  readonly connection?: Omit<TemporalConnectionOptions, 'address'>;
  /** Activities run at once (default 16: a few pages of 500 members each). */
  readonly maxConcurrentActivities?: number;
  readonly namespace?: string;
  readonly taskQueue?: string;
  /** A pre-built bundle (tests build it once); otherwise the worker bundles at start. */
  readonly workflowBundle?: WorkflowBundleOption;
}

/** Bundles the workflow code once, for processes that start several workers. */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

/**
 * Bundles the workflow code in a child process into `dir`, so that webpack (a few hundred
 * MB at its peak) never inflates the long-running worker's memory.
 */
export async function bundleInChildProcess(dir = tmpdir()): Promise<{ codePath: string }> {
  mkdirSync(dir, { recursive: true });
  const codePath = join(dir, `stampflow-workflows-${process.pid}.js`);
  const cli = fileURLToPath(new URL('./bundle-cli.ts', import.meta.url));
  // cwd: the repository, where `tsx` resolves, whatever directory the process started in.
  const cwd = fileURLToPath(new URL('../../', import.meta.url));
  await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, codePath], { cwd, maxBuffer: 16 * 1024 * 1024 });
  return { codePath };
}

/** Connects and creates (does not run) a worker. Call `worker.run()`, then `shutdown()`. */
export async function createWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ ...options.connection, address: options.address });
  const source = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: WORKFLOWS_PATH };
  const worker = await Worker.create({
    connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...source,
    activities: createActivities({ db: options.db, channels: options.channels }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 16,
    // If this worker dies, its runs' next workflow tasks go to another worker after 3 s
    // instead of waiting 10 s on this worker's sticky queue. Histories are small, so the
    // occasional replay on a cache miss is cheap.
    stickyQueueScheduleToStartTimeout: '3s',
  });
  return { worker, connection };
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

let runtimeInstalled = false;

/**
 * Routes the SDK's logs (worker and replay-safe workflow `log`) into our structured log,
 * from `level` up. Call once, before the first worker or connection.
 */
export function installRuntimeLogger(level: LogLevel = 'INFO'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const fields = { ...entry.meta, source: 'temporal' };
      if (entry.level === 'ERROR') log.error(entry.message, fields);
      else if (entry.level === 'WARN') log.warn(entry.message, fields);
      else log.info(entry.message, fields);
    }),
  });
}
