/**
 * The flow being edited: React Flow's nodes and edges (what the canvas draws, including
 * selection and sizes) and the committed graph `doc` (what is validated, saved and undone).
 * The nodes and edges live in a `CanvasStore`, not in this hook's state, so a drag frame
 * re-renders the canvas (`useCanvas`) and not the whole editor; the hook's own value changes
 * only with `doc` and the undo history.
 *
 * Every edit goes through `change()`, which updates the nodes and edges at once and, when the
 * edit is a real change (not a selection, a measurement or a drag still in progress), marks a
 * commit. Commits made in the same tick (React Flow removes a node and its edges in two calls)
 * become one undo step; `coalesce` merges a burst of edits of one field (typing) into one.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { FlowGraph } from '../../../engine/compiler';
import { CanvasStore, type CanvasSource } from './canvas-store';
import type { EditorNode } from './FlowNode';
import { toEditorEdge, toEditorNode, toEditorEdges, toEditorNodes, toGraph, type EditorEdge } from './graph-convert';

const COALESCE_MS = 1_500;
const MAX_HISTORY = 200;

export interface Commit {
  /** Edits with the same key within 1.5 s are one undo step. */
  readonly coalesce?: string;
}

type Update<T> = (current: T[]) => T[];

export interface FlowDocument extends CanvasSource {
  /** The last committed graph: compiled, saved and restored by undo. */
  readonly doc: FlowGraph;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** Changes the canvas; with `commit`, the change is one undo step and is saved. */
  change(update: { nodes?: Update<EditorNode>; edges?: Update<EditorEdge> }, commit?: Commit): void;
  undo(): void;
  redo(): void;
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
  const [canvas] = useState(() => new CanvasStore({ nodes: toEditorNodes(initial), edges: toEditorEdges(initial) }));
  const [doc, setDoc] = useState(initial);
  const [historySize, setHistorySize] = useState({ past: 0, future: 0 });

  const live = useRef({ doc });
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
    const { nodes, edges } = canvas.current();
    const next = toGraph(nodes, edges);
    live.current.doc = next;
    setDoc(next);
    publishHistory();
  }, [canvas, publishHistory]);

  const change = useCallback<FlowDocument['change']>(
    (update, commit) => {
      const { nodes, edges } = canvas.current();
      canvas.set({ nodes: update.nodes ? update.nodes(nodes) : nodes, edges: update.edges ? update.edges(edges) : edges });
      if (!commit) return;
      const first = pending.current === null;
      // Two different keys in one tick are one step without a key.
      pending.current = {
        coalesce: first || pending.current?.coalesce === commit.coalesce ? commit.coalesce : undefined,
      };
      if (first) queueMicrotask(flush);
    },
    [canvas, flush],
  );

  const restore = useCallback(
    (graph: FlowGraph) => {
      const { nodes, edges } = canvas.current();
      canvas.set({ nodes: restoreNodes(graph, nodes), edges: restoreEdges(graph, edges) });
      live.current.doc = graph;
      setDoc(graph);
    },
    [canvas],
  );

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
  return useMemo(
    () => ({
      doc,
      canUndo: historySize.past > 0,
      canRedo: historySize.future > 0,
      change,
      undo,
      redo,
      current: canvas.current,
      subscribe: canvas.subscribe,
    }),
    [doc, historySize, change, undo, redo, canvas],
  );
}
