/**
 * Builds the editor (`editor/` → `editor/dist/`) with Vite. `--if-stale` builds only when a
 * source is newer than the last build, so `npm start` and `npm test` build it when needed
 * and start at once otherwise: the README's two commands stay the only set-up.
 */
import { fileURLToPath } from 'node:url';
import { ensureEditorBuilt } from '../server/editor-build';

const root = fileURLToPath(new URL('..', import.meta.url));
const onlyIfStale = process.argv.includes('--if-stale');
const result = await ensureEditorBuilt(root, { force: !onlyIfStale });
console.log(result.built ? `editor built in ${result.ms} ms → editor/dist` : 'editor is up to date (editor/dist)');
