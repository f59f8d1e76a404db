/**
 * When the editor needs building, and the build itself (Vite's API, in this process).
 * The build is stale when any file it is made from (editor sources, the flow schema and
 * compiler it imports, the lockfile) is newer than `editor/dist/.built`.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['editor/src', 'editor/index.html', 'editor/vite.config.ts', 'engine/compiler', 'package-lock.json'];
const STAMP = 'editor/dist/.built';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `editor/dist` is missing or older than one of its sources. */
export function editorIsStale(root: string): boolean {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(root, source)) > built);
}

/**
 * Builds the editor unless it is up to date (or `force`).
 *
 * @example
 * await ensureEditorBuilt(process.cwd()); // { built: true, ms: 5400 } on a fresh clone
 */
export async function ensureEditorBuilt(root: string, options: { force?: boolean } = {}): Promise<{ built: boolean; ms: number }> {
  if (!options.force && !editorIsStale(root)) return { built: false, ms: 0 };
  const started = Date.now();
  const { build } = await import('vite');
  // Vite bundles React's development build when NODE_ENV says so (Vitest sets `test`): the
  // served editor is always the production build, whoever builds it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'editor/vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(join(root, STAMP), new Date().toISOString() + '\n');
  return { built: true, ms: Date.now() - started };
}
