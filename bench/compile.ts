/**
 * compile: validate + compile a 300-node flow (trigger -> a branching DAG of segments,
 * pushes, emails, waits and vouchers), the work the API does on every save and publish and
 * the editor on every edit. Target ≤ 5 ms per compile. Side by side, a JSON round trip of the
 * same graph: the cheapest thing that touches every node, so the ratio survives noisy machines.
 */
import { compileFlow } from '../engine/compiler/compiler';
import { sampleFlow } from '../engine/compiler/sample-flow';
import type { Figure } from './figures';
import { mean, percentile } from './stats';

const NODES = 300;
const WARMUP = 200;
const ROUNDS = Number(process.env.BENCH_COMPILE_ROUNDS ?? 2_000);

function time(rounds: number, work: () => unknown): number[] {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return samples;
}

export async function run(): Promise<Figure[]> {
  const json = JSON.stringify(sampleFlow(NODES));
  const graph: unknown = JSON.parse(json);
  const result = compileFlow(graph);
  if (!result.ok)
    throw new Error(`the benchmark flow does not compile: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);

  time(WARMUP, () => compileFlow(graph));
  const compile = time(ROUNDS, () => compileFlow(graph));
  const jsonRoundTrip = () => JSON.parse(JSON.stringify(graph));
  time(WARMUP, jsonRoundTrip);
  const roundTrip = time(ROUNDS, jsonRoundTrip);

  return [
    { name: 'compile.ms', value: mean(compile), unit: 'ms' },
    { name: 'compile.p95_ms', value: percentile(compile, 95), unit: 'ms' },
    { name: 'compile.json_roundtrip_ms', value: mean(roundTrip), unit: 'ms' },
    { name: 'compile.ratio_to_json_roundtrip', value: mean(compile) / mean(roundTrip), unit: '×' },
  ];
}
