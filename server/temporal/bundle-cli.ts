/**
 * `node --import tsx server/temporal/bundle-cli.ts OUT.js`: bundles the workflow code into
 * OUT.js. Run as a short-lived child process by `bundleInChildProcess`, so webpack's
 * memory is never part of the long-running worker's.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflows } from './worker';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: bundle-cli.ts OUT.js\n');
  process.exit(2);
}
const { code } = await bundleWorkflows();
writeFileSync(out, code);
