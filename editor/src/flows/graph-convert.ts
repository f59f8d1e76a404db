/**
 * Between the saved graph (`FlowGraph`, what the compiler and the API read) and React
 * Flow's nodes and edges (which also carry selection, measurements and styling). Only
 * ids, kinds, positions, data and connections are saved.
 */
import { MarkerType, type Edge } from '@xyflow/react';
import type { FlowEdge, FlowGraph, FlowNode } from '../../../engine/compiler';
import type { EditorNode } from './FlowNode';

export type EditorEdge = Edge;

export const EDGE_DEFAULTS = { markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } } as const;

export function toEditorNode(node: FlowNode): EditorNode {
  return { id: node.id, type: node.type, position: { x: node.position.x, y: node.position.y }, data: node.data };
}

export function toEditorEdge(edge: FlowEdge): EditorEdge {
  return { id: edge.id, source: edge.source, target: edge.target, sourceHandle: edge.sourceHandle ?? null };
}

export function toEditorNodes(graph: FlowGraph): EditorNode[] {
  return graph.nodes.map(toEditorNode);
}

export function toEditorEdges(graph: FlowGraph): EditorEdge[] {
  return graph.edges.map(toEditorEdge);
}

/** The graph to save and compile: no selection, measurements or styles. */
export function toGraph(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): FlowGraph {
  return {
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.type ?? 'default',
      position: { x: n.position.x, y: n.position.y },
      data: n.data,
    })),
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? null })),
  };
}

/** A new edge id from its ends, unique among `taken`. */
export function newEdgeId(
  source: string,
  handle: string | null | undefined,
  target: string,
  taken: ReadonlySet<string>,
): string {
  const base = `e-${source}-${handle ?? 'next'}-${target}`;
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
}
