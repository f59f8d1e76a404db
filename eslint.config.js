// Lint rules: strict TypeScript (typed), no floating promises, and the boundaries the
// architecture promises: workflow code and the flow compiler touch no Node built-ins,
// no database and no network.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'url', 'util', 'stream', 'worker_threads', 'timers', 'process', 'events', 'dns', 'zlib'];
const noSideEffects = {
  patterns: [
    { group: ['node:*', ...nodeBuiltins], message: 'Deterministic code: no Node built-ins here.' },
    { group: ['pg', 'kysely', '@electric-sql/*', 'postmark', 'hono', '@hono/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Deterministic code: no I/O libraries here.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'dist/', 'editor/dist/', '.scratch/', 'coverage/'] },
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
    files: ['workflows/**/*.ts', 'engine/flow/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', noSideEffects],
      // type-only imports of activities are fine; values are not
      '@typescript-eslint/no-restricted-imports': 'off',
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
