/** Auto-layout: left to right with dagre, using each node's measured size. */
import dagre from '@dagrejs/dagre';
import type { EditorNode } from './FlowNode';
import type { EditorEdge } from './graph-convert';

const DEFAULT_SIZE = { width: 220, height: 90 };

/** New positions (top-left corners) for every node, keyed by id. */
export function layoutLeftToRight(
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 90, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) {
    g.setNode(n.id, {
      width: n.measured?.width ?? DEFAULT_SIZE.width,
      height: n.measured?.height ?? DEFAULT_SIZE.height,
    });
  }
  for (const e of edges)
    if (ids.has(e.source) && ids.has(e.target) && e.source !== e.target) g.setEdge(e.source, e.target, {}, e.id);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const placed = g.node(n.id);
    const width = n.measured?.width ?? DEFAULT_SIZE.width;
    const height = n.measured?.height ?? DEFAULT_SIZE.height;
    positions.set(n.id, { x: Math.round(placed.x - width / 2), y: Math.round(placed.y - height / 2) });
  }
  return positions;
}
