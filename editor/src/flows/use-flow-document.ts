/**
 * The flow being edited: React Flow's nodes and edges (what the canvas draws, including
 * selection and sizes) and the committed graph `doc` (what is validated, saved and undone).
 *
 * Every edit goes through `change()`, which updates the nodes and edges at once and, when the
 * edit is a real change (not a selection, a measurement or a drag still in progress), marks a
 * commit. Commits made in the same tick (React Flow removes a node and its edges in two calls)
 * become one undo step; `coalesce` merges a burst of edits of one field (typing) into one.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { FlowGraph } from '../../../engine/compiler';
import type { EditorNode } from './FlowNode';
import { toEditorEdge, toEditorNode, toEditorEdges, toEditorNodes, toGraph, type EditorEdge } from './graph-convert';

const COALESCE_MS = 1_500;
const MAX_HISTORY = 200;

export interface Commit {
  /** Edits with the same key within 1.5 s are one undo step. */
  readonly coalesce?: string;
}

type Update<T> = (current: T[]) => T[];

export interface FlowDocument {
  readonly nodes: EditorNode[];
  readonly edges: EditorEdge[];
  /** The last committed graph: compiled, saved and restored by undo. */
  readonly doc: FlowGraph;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** Changes the canvas; with `commit`, the change is one undo step and is saved. */
  change(update: { nodes?: Update<EditorNode>; edges?: Update<EditorEdge> }, commit?: Commit): void;
  undo(): void;
  redo(): void;
  /** The current nodes and edges, for handlers that must not re-subscribe on each change. */
  current(): { nodes: EditorNode[]; edges: EditorEdge[] };
}

/** Nodes for `graph`, reusing the current node object (and its size) where nothing changed. */
function restoreNodes(graph: FlowGraph, current: readonly EditorNode[]): EditorNode[] {
  const byId = new Map(current.map((n) => [n.id, n]));
  return graph.nodes.map((saved) => {
    const node = byId.get(saved.id);
    if (!node) return toEditorNode(saved);
    if (
      node.type === saved.type &&
      node.data === saved.data &&
      node.position.x === saved.position.x &&
      node.position.y === saved.position.y
    ) {
      return node;
    }
    return { ...node, type: saved.type, data: saved.data, position: { x: saved.position.x, y: saved.position.y } };
  });
}

function restoreEdges(graph: FlowGraph, current: readonly EditorEdge[]): EditorEdge[] {
  const byId = new Map(current.map((e) => [e.id, e]));
  return graph.edges.map((saved) => {
    const edge = byId.get(saved.id);
    const same =
      edge &&
      edge.source === saved.source &&
      edge.target === saved.target &&
      (edge.sourceHandle ?? null) === (saved.sourceHandle ?? null);
    return same ? edge : toEditorEdge(saved);
  });
}

export function useFlowDocument(initial: FlowGraph): FlowDocument {
  const [nodes, setNodes] = useState(() => toEditorNodes(initial));
  const [edges, setEdges] = useState(() => toEditorEdges(initial));
  const [doc, setDoc] = useState(initial);
  const [historySize, setHistorySize] = useState({ past: 0, future: 0 });

  const live = useRef({ nodes, edges, doc });
  const history = useRef({
    past: [] as FlowGraph[],
    future: [] as FlowGraph[],
    lastKey: undefined as string | undefined,
    lastAt: 0,
  });
  const pending = useRef<{ coalesce: string | undefined } | null>(null);

  const publishHistory = useCallback(() => {
    const { past, future } = history.current;
    setHistorySize((s) =>
      s.past === past.length && s.future === future.length ? s : { past: past.length, future: future.length },
    );
  }, []);

  const flush = useCallback(() => {
    const commit = pending.current;
    if (!commit) return;
    pending.current = null;
    const h = history.current;
    const now = Date.now();
    const merge = commit.coalesce !== undefined && commit.coalesce === h.lastKey && now - h.lastAt < COALESCE_MS;
    if (!merge) {
      h.past.push(live.current.doc);
      if (h.past.length > MAX_HISTORY) h.past.shift();
    }
    h.lastKey = commit.coalesce;
    h.lastAt = now;
    h.future = [];
    const next = toGraph(live.current.nodes, live.current.edges);
    live.current.doc = next;
    setDoc(next);
    publishHistory();
  }, [publishHistory]);

  const change = useCallback<FlowDocument['change']>(
    (update, commit) => {
      if (update.nodes) {
        const next = update.nodes(live.current.nodes);
        if (next !== live.current.nodes) {
          live.current.nodes = next;
          setNodes(next);
        }
      }
      if (update.edges) {
        const next = update.edges(live.current.edges);
        if (next !== live.current.edges) {
          live.current.edges = next;
          setEdges(next);
        }
      }
      if (!commit) return;
      const first = pending.current === null;
      // Two different keys in one tick are one step without a key.
      pending.current = {
        coalesce: first || pending.current?.coalesce === commit.coalesce ? commit.coalesce : undefined,
      };
      if (first) queueMicrotask(flush);
    },
    [flush],
  );

  const restore = useCallback((graph: FlowGraph) => {
    const nextNodes = restoreNodes(graph, live.current.nodes);
    const nextEdges = restoreEdges(graph, live.current.edges);
    live.current = { nodes: nextNodes, edges: nextEdges, doc: graph };
    setNodes(nextNodes);
    setEdges(nextEdges);
    setDoc(graph);
  }, []);

  const step = useCallback(
    (from: 'past' | 'future') => {
      flush();
      const h = history.current;
      const target = h[from].pop();
      if (!target) return;
      (from === 'past' ? h.future : h.past).push(live.current.doc);
      h.lastKey = undefined;
      restore(target);
      publishHistory();
    },
    [flush, restore, publishHistory],
  );

  const undo = useCallback(() => step('past'), [step]);
  const redo = useCallback(() => step('future'), [step]);
  const current = useCallback(() => ({ nodes: live.current.nodes, edges: live.current.edges }), []);

  return useMemo(
    () => ({
      nodes,
      edges,
      doc,
      canUndo: historySize.past > 0,
      canRedo: historySize.future > 0,
      change,
      undo,
      redo,
      current,
    }),
    [nodes, edges, doc, historySize, change, undo, redo, current],
  );
}
