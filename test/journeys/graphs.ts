/** Small journey graphs for the tests: a trigger and a chain or tree of steps. */
import type { Graph } from '../support/graphs';

export interface GraphNode {
  readonly id: string;
  readonly type: string;
  readonly position: { x: number; y: number };
  readonly data: Record<string, unknown>;
}

export interface Edge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly sourceHandle?: string;
}

export function node(id: string, type: string, data: Record<string, unknown>): GraphNode {
  return { id, type, position: { x: 0, y: 0 }, data };
}

/**
 * trigger → steps[0] → steps[1] → …, plus any extra nodes and edges (branches). These tests
 * count who gets what, so nobody is kept back unless the trigger says otherwise.
 */
export function journey(trigger: Record<string, unknown>, chain: readonly GraphNode[], extra: { nodes?: GraphNode[]; edges?: Edge[] } = {}): Graph {
  const nodes = [node('trigger', 'trigger', { holdoutPercent: 0, ...trigger }), ...chain, ...(extra.nodes ?? [])];
  const ids = nodes.slice(0, chain.length + 1).map((n) => n.id);
  const edges: Edge[] = ids.slice(1).map((target, i) => ({ id: `c${i}`, source: ids[i] ?? 'trigger', target }));
  return { nodes, edges: [...edges, ...(extra.edges ?? [])] } as Graph;
}

export function edge(source: string, target: string, sourceHandle?: string): Edge {
  return { id: `${source}-${sourceHandle ?? 'next'}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) };
}
