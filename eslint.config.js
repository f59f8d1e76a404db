// Lint rules: strict TypeScript (typed), no floating promises, and the boundaries the
// architecture promises: workflow code and the flow compiler touch no Node built-ins,
// no database and no network.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'url', 'util', 'stream', 'worker_threads', 'timers', 'process', 'events', 'dns', 'zlib'];
const sideEffectPatterns = [
  { group: ['node:*', ...nodeBuiltins], message: 'Deterministic code: no Node built-ins here.' },
  { group: ['pg', 'kysely', '@electric-sql/*', 'postmark', 'hono', '@hono/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Deterministic code: no I/O libraries here.' },
];

// The three layers (see README, "How it works"): imports point down only,
// server → workflows / activities → engine (the core). Relative imports are matched by the
// top-level folder they reach.
const reaches = (folder) => `^(\\.\\./)+${folder}(/|$)`;
const layerRule = (message, ...folders) => folders.map((folder) => ({ regex: reaches(folder), message }));
const coreBoundary = [
  ...layerRule('The core (engine/) imports nothing above it: no server, activities, workflows or editor.', 'server', 'activities', 'workflows', 'editor'),
  { group: ['hono', 'hono/*', '@hono/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/workflow'], message: 'The core has no HTTP and no Temporal client, worker or workflow code: that is the server layer or activities/.' },
];
const adapterBoundary = [
  ...layerRule('activities/ are adapters over the core: they import engine/ only, never the server, workflows or the editor.', 'server', 'workflows', 'editor'),
  { group: ['hono', 'hono/*', '@hono/*', '@temporalio/client', '@temporalio/worker'], message: 'Activities have no HTTP and no Temporal client or worker.' },
];
const workflowBoundary = layerRule('Workflows import the core (types, pure helpers) and activities as types only, never the server or the editor.', 'server', 'editor');

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'dist/', 'editor/dist/', '.scratch/', 'coverage/', 'bench/.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: coreBoundary }] },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: adapterBoundary }] },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...workflowBoundary, ...sideEffectPatterns] }],
      // Activities are imported as types only (proxyActivities<typeof activities>).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: layerRule('Workflows import activities as types only.', 'activities').map((p) => ({ ...p, allowTypeImports: true })) },
      ],
    },
  },
  {
    files: ['engine/compiler/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...coreBoundary, ...sideEffectPatterns] }] },
  },
  {
    // The editor talks to the API (types of the server's routes only) and runs the compiler.
    files: ['editor/**/*.ts', 'editor/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...layerRule('The editor imports the server only as types (the API client types).', 'server').map((p) => ({ ...p, allowTypeImports: true })),
            ...layerRule('The editor never imports activities or workflows.', 'activities', 'workflows'),
            { regex: '^(\\.\\./)+engine/compiler/.+', message: 'The editor imports the compiler through its entry point, engine/compiler.' },
          ],
        },
      ],
    },
  },
  {
    // Migrations take Kysely<any> on purpose: they must not depend on today's types.
    files: ['engine/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
