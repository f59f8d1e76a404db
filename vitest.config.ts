import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'server/**/*.test.ts', 'activities/**/*.test.ts', 'workflows/**/*.test.ts', 'test/**/*.test.ts', 'editor/**/*.test.tsx'],
    globalSetup: ['test/support/global-setup.ts'],
    // One line per HTTP request drowns the failures in CI's log (see server/api/access-log.ts).
    env: { STAMPFLOW_ACCESS_LOG: 'off' },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
