/**
 * Copy and paste of steps: the selected nodes and the connections between them, pasted
 * with new ids, shifted so the copy is visible, and selected (the originals are not).
 */
import type { EditorNode } from './FlowNode';
import { newEdgeId, type EditorEdge } from './graph-convert';
import { newNodeId } from './node-meta';

export interface Clip {
  readonly nodes: readonly EditorNode[];
  readonly edges: readonly EditorEdge[];
}

/** The selected nodes and the edges among them; undefined when nothing is selected. */
export function copySelection(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): Clip | undefined {
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) return undefined;
  const ids = new Set(picked.map((n) => n.id));
  return {
    nodes: picked.map((n) => ({ id: n.id, type: n.type, position: n.position, data: n.data })),
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? null })),
  };
}

/** The clip's nodes and edges with fresh ids, moved by `offset` and selected. */
export function pasteClip(
  clip: Clip,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
  offset: number,
): Clip {
  const takenNodes = new Set(nodes.map((n) => n.id));
  const takenEdges = new Set(edges.map((e) => e.id));
  const rename = new Map<string, string>();
  const pastedNodes = clip.nodes.map((n) => {
    const id = newNodeId(n.type ?? 'step', takenNodes);
    takenNodes.add(id);
    rename.set(n.id, id);
    // Data is never mutated in place, so sharing it with the original is safe.
    return {
      id,
      type: n.type,
      data: n.data,
      position: { x: n.position.x + offset, y: n.position.y + offset },
      selected: true,
    };
  });
  const pastedEdges = clip.edges.map((e) => {
    const source = rename.get(e.source) ?? e.source;
    const target = rename.get(e.target) ?? e.target;
    const id = newEdgeId(source, e.sourceHandle, target, takenEdges);
    takenEdges.add(id);
    return { id, source, target, sourceHandle: e.sourceHandle ?? null };
  });
  return { nodes: pastedNodes, edges: pastedEdges };
}
