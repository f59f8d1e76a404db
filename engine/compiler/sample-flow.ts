/**
 * A generated, valid flow of any size, for the compile benchmark and tests: a trigger
 * followed by a branching DAG of segments, pushes, emails, waits and vouchers, with some
 * branches joining again. Deterministic: the same size gives the same graph.
 */
import type { FlowEdge, FlowGraph, FlowNode } from './graph-schema';
import type { StepKind } from './plan';

const KINDS: readonly StepKind[] = ['segment', 'push', 'email', 'wait', 'voucher'];

function dataFor(kind: StepKind, i: number): Record<string, unknown> {
  switch (kind) {
    case 'segment':
      return {
        match: 'all',
        conditions: [
          { field: 'stamps', op: 'gte', value: i % 10 },
          { field: 'emailConsent', op: 'eq', value: true },
        ],
      };
    case 'push':
      return { text: "Coffee's waiting ☕" };
    case 'email':
      return {
        subject: ' Hi {{customer.name}} ',
        body: '{{ stampsLeft }} stamps to your next {{card.name}} reward. See you soon!',
      };
    case 'wait':
      return { for: { hours: 1 + (i % 24), minutes: 30 } };
    case 'voucher':
      return { title: 'Free coffee', validDays: 14 };
    case 'telegram':
      return { text: 'Hi {{customer.name}}, {{stampsLeft}} stamps to go.' };
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

/**
 * A valid flow with `nodeCount` nodes (the trigger included, at least 2). Node `n{i}` hangs
 * off node `n{⌊(i-1)/2⌋}` (a binary tree, segments branching on `match`/`else`), and every
 * 7th node also hangs off `n{i-2}` so paths join.
 */
export function sampleFlow(nodeCount: number): FlowGraph {
  const id = (i: number) => (i === 0 ? 'trigger' : `n${i}`);
  const kindOf = (i: number): StepKind | 'trigger' => (i === 0 ? 'trigger' : KINDS[(i - 1) % KINDS.length]!);
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const connect = (from: number, to: number) => {
    const handle = kindOf(from) === 'segment' ? (to % 2 === 0 ? 'match' : 'else') : null;
    edges.push({
      id: `e-${id(from)}-${handle ?? 'next'}-${id(to)}`,
      source: id(from),
      target: id(to),
      sourceHandle: handle,
    });
  };
  for (let i = 0; i < Math.max(2, nodeCount); i++) {
    const kind = kindOf(i);
    const data = kind === 'trigger' ? { trigger: 'broadcast' } : dataFor(kind, i);
    nodes.push({ id: id(i), type: kind, position: { x: (i % 20) * 220, y: Math.floor(i / 20) * 160 }, data });
    if (i === 0) continue;
    const parent = Math.floor((i - 1) / 2);
    connect(parent, i);
    if (i % 7 === 0 && i - 2 !== parent) connect(i - 2, i);
  }
  return { nodes, edges };
}
