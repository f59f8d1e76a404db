/**
 * Vitest global setup: ONE Temporal dev server for the whole suite (in memory, headless,
 * on a free port of 127.0.0.1), its address provided to tests as `inject('temporalAddress')`.
 * With TEMPORAL_ADDRESS set, that server is used and nothing is started.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { ensureTemporalCli } from '../../engine/temporal/cli-path';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the suite's Temporal frontend (namespace `default`). */
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) {
    project.provide('temporalAddress', existing);
    return;
  }

  const path = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path },
      ip: '127.0.0.1',
      namespace: 'default',
      ui: false,
      log: { format: 'pretty', level: 'warn' },
    },
  });
  project.provide('temporalAddress', env.address);

  return async () => {
    await env.teardown();
  };
}
