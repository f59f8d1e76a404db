/**
 * What a node shows beside its own data — its problems (editor) or its run counts (run
 * inspector) — kept outside the React Flow nodes so node objects stay stable, and
 * subscribed per node id so a change re-renders only the nodes whose decoration changed.
 */
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';

/** Counts of a run at one node, as the run inspector shows them. */
export interface NodeOverlay {
  readonly entered?: number;
  readonly sent?: number;
  readonly failed?: number;
  readonly skipped?: number;
  readonly waiting?: number;
}

export interface NodeDecoration {
  readonly problems?: readonly string[];
  readonly overlay?: NodeOverlay;
}

const NONE: NodeDecoration = {};

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((item, i) => item === b[i]);
}

function sameOverlay(a: NodeOverlay | undefined, b: NodeOverlay | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.entered === b.entered &&
    a.sent === b.sent &&
    a.failed === b.failed &&
    a.skipped === b.skipped &&
    a.waiting === b.waiting
  );
}

export class DecorationStore {
  private current = new Map<string, NodeDecoration>();
  private readonly listeners = new Map<string, Set<() => void>>();

  get = (id: string): NodeDecoration => this.current.get(id) ?? NONE;

  /** Replaces every decoration; notifies only the nodes whose decoration changed. */
  replace(next: ReadonlyMap<string, NodeDecoration>): void {
    const previous = this.current;
    const changed: string[] = [];
    this.current = new Map();
    for (const [id, decoration] of next) {
      const before = previous.get(id);
      const same =
        before && sameList(before.problems, decoration.problems) && sameOverlay(before.overlay, decoration.overlay);
      this.current.set(id, same ? before : decoration);
      if (!same) changed.push(id);
    }
    for (const id of previous.keys()) if (!next.has(id)) changed.push(id);
    for (const id of changed) this.listeners.get(id)?.forEach((listener) => listener());
  }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }
}

export const DecorationContext = createContext<DecorationStore>(new DecorationStore());

/** The decoration of one node; re-renders only when that node's decoration changes. */
export function useNodeDecoration(id: string): NodeDecoration {
  const store = useContext(DecorationContext);
  const subscribe = useCallback((listener: () => void) => store.subscribe(id, listener), [store, id]);
  return useSyncExternalStore(subscribe, () => store.get(id));
}

/** Facts about the whole flow some nodes show: card names, the trigger's card. */
export interface FlowMeta {
  readonly cardNames: ReadonlyMap<string, string>;
  /** The trigger's card, which a segment's live count is about. */
  readonly cardId?: string | undefined;
  /** Whether segment nodes fetch live customer counts (the editor does, run views do not). */
  readonly liveCounts: boolean;
  /** The flow being edited (test sends); unset in run views. */
  readonly flowId?: string | undefined;
  /** A published flow's message steps: who got each and who came back (last 30 days); unset: not shown. */
  readonly stepResults?: ReadonlyMap<string, { readonly got: number; readonly cameBack: number }> | undefined;
}

export const FlowMetaContext = createContext<FlowMeta>({ cardNames: new Map(), liveCounts: false });
