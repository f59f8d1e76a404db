/**
 * The canvas's nodes and edges (what React Flow draws, including selection, sizes and drags in
 * progress), kept outside React state so that only what reads them re-renders when they change:
 * the canvas on every drag frame, the side panel only when the selection or the selected step's
 * settings change. `useFlowDocument` owns one; components read it through `useCanvas` or a
 * narrower hook such as `useSelection`.
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { EditorNode } from './FlowNode';
import type { EditorEdge } from './graph-convert';

export interface Canvas {
  readonly nodes: EditorNode[];
  readonly edges: EditorEdge[];
}

/** Where the canvas's state can be read and watched (a `FlowDocument` is one). */
export interface CanvasSource {
  /** The nodes and edges now: the same object until one of them changes. */
  current(): Canvas;
  /** Calls `listener` after the nodes or edges change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export class CanvasStore implements CanvasSource {
  private snapshot: Canvas;
  private readonly listeners = new Set<() => void>();

  constructor(initial: Canvas) {
    this.snapshot = initial;
  }

  current = (): Canvas => this.snapshot;

  /** Replaces the nodes and edges; listeners hear of it only when one of them is a new array. */
  set(next: Canvas): void {
    if (next.nodes === this.snapshot.nodes && next.edges === this.snapshot.edges) return;
    this.snapshot = next;
    this.listeners.forEach((listener) => listener());
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/**
 * `read()` of the canvas as React state, updated after each change of the canvas. State, not
 * `useSyncExternalStore`: a store's update renders synchronously inside the event that caused
 * it, so a drag frame would do the input, React's render, style, layout and paint in one go;
 * as state it is rendered at the event's priority (for a mouse move, in its own task before the
 * next frame), the way React Flow's own `useNodesState` does. While `held()` says so, changes
 * are not taken (the caller has shown them by other means); the next change taken brings the
 * state up to date, since `read()` reads the canvas as it is then.
 */
function useCanvasState<T>(source: CanvasSource, read: () => T, held?: () => boolean): T {
  const [value, setValue] = useState(read);
  useLayoutEffect(() => {
    const update = () => {
      if (!held?.()) setValue(read);
    };
    update(); // anything that changed between the render and this subscription
    return source.subscribe(update);
  }, [source, read, held]);
  return value;
}

/**
 * The canvas's nodes and edges; re-renders on each of their changes (drag frames included),
 * except those made while `held()` returns true.
 */
export function useCanvas(source: CanvasSource, held?: () => boolean): Canvas {
  return useCanvasState(source, source.current, held);
}

/** The selected step, as the side panel and "Connect to…" need it: no position, no size. */
export interface SelectedStep {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export interface Selection {
  /** How many steps are selected. */
  readonly count: number;
  /** The step, when exactly one is selected. */
  readonly step?: SelectedStep;
}

const NOTHING: Selection = { count: 0 };

function selectionOf(nodes: readonly EditorNode[]): Selection {
  let count = 0;
  let only: EditorNode | undefined;
  for (const node of nodes) {
    if (!node.selected) continue;
    count += 1;
    only = node;
  }
  if (count === 0) return NOTHING;
  return count === 1 && only ? { count, step: { id: only.id, type: only.type ?? 'default', data: only.data } } : { count };
}

function sameSelection(a: Selection, b: Selection): boolean {
  return (
    a.count === b.count &&
    a.step?.id === b.step?.id &&
    a.step?.type === b.step?.type &&
    a.step?.data === b.step?.data
  );
}

/**
 * The selection; re-renders only when it changes (which steps, or the selected step's kind or
 * settings), not when a step moves.
 */
export function useSelection(source: CanvasSource): Selection {
  const last = useRef<{ nodes: readonly EditorNode[] | undefined; selection: Selection }>({
    nodes: undefined,
    selection: NOTHING,
  });
  const read = useCallback(() => {
    const { nodes } = source.current();
    const seen = last.current;
    if (nodes === seen.nodes) return seen.selection;
    const next = selectionOf(nodes);
    const selection = sameSelection(seen.selection, next) ? seen.selection : next;
    last.current = { nodes, selection };
    return selection;
  }, [source]);
  return useCanvasState(source, read);
}
