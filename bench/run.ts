/**
 * `npm run bench [-- NAME…]`: runs the benchmark scenarios (all by default), prints one
 * line per figure (`name: value unit`) and appends them to bench/RESULTS.md with the
 * machine, date and commit. Benchmarks are not tests: they measure, they do not judge.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Figure } from './figures';

const scenarios: Record<string, () => Promise<Figure[]>> = {
  compile: async () => (await import('./compile')).run(),
  segment: async () => (await import('./segment')).run(),
  broadcast: async () => (await import('./broadcast')).run(),
  'broadcast-scale': async () => (await import('./broadcast-scale')).run(),
  naive: async () => (await import('./naive')).run(),
  faults: async () => (await import('./faults')).run(),
  journeys: async () => (await import('./journeys/index')).run(),
  editor: async () => (await import('./editor')).run(),
  wallet: async () => (await import('./wallet')).run(),
  stack: async () => (await import('./stack')).run(),
  results: async () => (await import('./results')).run(),
};

const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = names.filter((n) => !(n in scenarios));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  const chosen = names.length > 0 ? names : Object.keys(scenarios);
  const lines: string[] = [];
  for (const name of chosen) {
    process.stderr.write(`bench: ${name}…\n`);
    const figures = await scenarios[name]!();
    for (const f of figures) {
      const line = `${f.name}: ${Number.isInteger(f.value) ? f.value : f.value.toFixed(2)} ${f.unit}`;
      process.stdout.write(line + '\n');
      lines.push(line);
    }
  }
  record(lines);
}

function record(lines: string[]): void {
  if (!existsSync(RESULTS))
    writeFileSync(RESULTS, '# Benchmark results\n\nAppended by `npm run bench`. Targets: ../shared/BENCHMARKS.md.\n');
  const commit = safe(
    () => execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    'unknown',
  );
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const machine = `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  appendFileSync(
    RESULTS,
    `\n## ${new Date().toISOString()} · commit ${commit}\n\n${machine}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`,
  );
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
