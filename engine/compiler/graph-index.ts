/**
 * First pass of the compiler over a structurally valid graph: nodes by id, edges checked
 * and deduplicated into an adjacency list. Reports id, trigger and edge problems.
 */
import type { Diagnostic } from './diagnostics';
import type { FlowGraph, FlowNode } from './graph-schema';
import { NODE_OUTPUTS, isNodeKind, type NodeKind } from './node-schemas';

/** An edge whose endpoints exist; `handle` is normalised (`next` for single-output nodes). */
export interface IndexedEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly handle: string;
}

export interface GraphIndex {
  /** The first node with each id, in input order. */
  readonly nodes: ReadonlyMap<string, FlowNode>;
  /** The kind of every node whose `type` is a known kind. */
  readonly kinds: ReadonlyMap<string, NodeKind>;
  readonly triggers: readonly string[];
  /** Outgoing edges per node id, deduplicated, in input order. */
  readonly out: ReadonlyMap<string, readonly IndexedEdge[]>;
}

const outputs: ReadonlyMap<NodeKind, ReadonlySet<string>> = new Map(
  Object.entries(NODE_OUTPUTS).map(([kind, handles]) => [kind as NodeKind, new Set<string>(handles)]),
);

function indexNodes(graph: FlowGraph, diagnostics: Diagnostic[]) {
  const nodes = new Map<string, FlowNode>();
  const kinds = new Map<string, NodeKind>();
  const triggers: string[] = [];
  for (const node of graph.nodes) {
    if (nodes.has(node.id)) {
      diagnostics.push({ nodeId: node.id, code: 'duplicate_id', message: `Two steps share the id "${node.id}".` });
      continue;
    }
    nodes.set(node.id, node);
    if (!isNodeKind(node.type)) {
      diagnostics.push({ nodeId: node.id, code: 'unknown_node_type', message: `Unknown step type "${node.type}".` });
      continue;
    }
    kinds.set(node.id, node.type);
    if (node.type === 'trigger') triggers.push(node.id);
  }
  if (triggers.length === 0) {
    diagnostics.push({ code: 'no_trigger', message: 'Add a trigger: it decides who enters the flow and when.' });
  }
  if (triggers.length > 1) {
    for (const nodeId of triggers) {
      diagnostics.push({
        nodeId,
        code: 'multiple_triggers',
        message: 'A flow has exactly one trigger; remove the others.',
      });
    }
  }
  return { nodes, kinds, triggers };
}

/** The output an edge leaves from, or undefined when the source node has no such output. */
function normaliseHandle(kind: NodeKind | undefined, handle: string | null | undefined): string | undefined {
  const name = handle ?? 'next';
  if (kind === undefined) return name; // unknown type: reported on the node already
  return outputs.get(kind)?.has(name) ? name : undefined;
}

function badHandleMessage(kind: NodeKind | undefined, handle: string | null | undefined): string {
  const expected = kind === 'segment' ? 'its "match" or "else" output' : 'its single output';
  const problem =
    handle == null ? 'This connection does not say which output it leaves from' : `This step has no output "${handle}"`;
  return `${problem}; connect from ${expected}.`;
}

/** Indexes nodes and edges, pushing every id, trigger and edge problem onto `diagnostics`. */
export function indexGraph(graph: FlowGraph, diagnostics: Diagnostic[]): GraphIndex {
  const { nodes, kinds, triggers } = indexNodes(graph, diagnostics);
  const out = new Map<string, IndexedEdge[]>();
  const keyById = new Map<string, string>();
  const seenKeys = new Set<string>();
  for (const edge of graph.edges) {
    const edgeId = edge.id;
    const key = `${edge.source}\u0000${edge.sourceHandle ?? 'next'}\u0000${edge.target}`;
    const sameId = keyById.get(edgeId);
    if (sameId !== undefined) {
      if (sameId !== key) {
        diagnostics.push({ edgeId, code: 'duplicate_id', message: `Two connections share the id "${edgeId}".` });
      }
      continue;
    }
    keyById.set(edgeId, key);
    let usable = true;
    for (const end of ['source', 'target'] as const) {
      if (!nodes.has(edge[end])) {
        usable = false;
        diagnostics.push({
          edgeId,
          field: end,
          code: 'missing_node',
          message: `This connection's ${end} step "${edge[end]}" does not exist.`,
        });
      }
    }
    if (kinds.get(edge.target) === 'trigger') {
      usable = false;
      diagnostics.push({
        edgeId,
        nodeId: edge.target,
        code: 'edge_into_trigger',
        message: 'Nothing can lead into the trigger; it is where the flow starts.',
      });
    }
    const sourceKind = kinds.get(edge.source);
    const handle = normaliseHandle(sourceKind, edge.sourceHandle);
    if (handle === undefined && nodes.has(edge.source)) {
      diagnostics.push({
        edgeId,
        nodeId: edge.source,
        field: 'sourceHandle',
        code: 'bad_handle',
        message: badHandleMessage(sourceKind, edge.sourceHandle),
      });
    }
    // A duplicate connection (same source, output and target) is tolerated and dropped.
    if (!usable || seenKeys.has(key)) continue;
    seenKeys.add(key);
    const list = out.get(edge.source) ?? [];
    list.push({ id: edgeId, source: edge.source, target: edge.target, handle: handle ?? edge.sourceHandle ?? 'next' });
    out.set(edge.source, list);
  }
  return { nodes, kinds, triggers, out };
}
