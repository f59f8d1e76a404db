/**
 * What the palette, the side panel, the toolbar, the Problems list and the keyboard do to
 * the flow: add, change and delete steps, copy and paste, lay out, and bring a step or a
 * connection into view. Every action is one undo step.
 */
import { addEdge, useReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useRef, type RefObject } from 'react';
import { copySelection, pasteClip, type Clip } from './clipboard';
import type { EditorNode } from './FlowNode';
import { newEdgeId } from './graph-convert';
import { layoutLeftToRight } from './layout';
import { defaultData, newNodeId, type NodeKind } from './node-meta';
import type { FlowDocument } from './use-flow-document';

const NODE_SIZE = { width: 220, height: 90 };
const PASTE_STEP = 40;
/** Space between a step and the one added below it. */
const BELOW_GAP = 40;
/** Below this zoom a step's text is too small to read: Tidy up and new steps never go smaller. */
export const READABLE_ZOOM = 0.7;

/** Where a step added by click goes: below the selected step, else below the last one added. */
export function spotBelow(nodes: readonly EditorNode[]): { x: number; y: number } | undefined {
  const anchor = nodes.find((n) => n.selected) ?? nodes.at(-1);
  if (!anchor) return undefined;
  const height = anchor.measured?.height ?? NODE_SIZE.height;
  return { x: anchor.position.x, y: anchor.position.y + height + BELOW_GAP };
}

/** True when two screen rectangles overlap. */
function intersects(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** The free place nearest to `wanted` (right of it first, then below), so a new step hides none. */
export function freeSpot(wanted: { x: number; y: number }, nodes: readonly EditorNode[]): { x: number; y: number } {
  const GAP = 30;
  const overlaps = (x: number, y: number) =>
    nodes.some((n) => {
      const w = n.measured?.width ?? NODE_SIZE.width;
      const h = n.measured?.height ?? NODE_SIZE.height;
      return (
        x < n.position.x + w + GAP &&
        x + NODE_SIZE.width + GAP > n.position.x &&
        y < n.position.y + h + GAP &&
        y + NODE_SIZE.height + GAP > n.position.y
      );
    });
  const stepX = NODE_SIZE.width + GAP * 2;
  const stepY = NODE_SIZE.height + GAP;
  for (let ring = 0; ring < 8; ring++) {
    const spots: [number, number][] = [];
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) spots.push([dx, dy]);
    }
    // Same row first, to the right before the left.
    spots.sort(
      ([ax, ay], [bx, by]) =>
        Math.abs(ay) - Math.abs(by) || Number(ax < 0) - Number(bx < 0) || Math.abs(ax) - Math.abs(bx),
    );
    for (const [dx, dy] of spots) {
      const x = wanted.x + dx * stepX;
      const y = wanted.y + dy * stepY;
      if (!overlaps(x, y)) return { x, y };
    }
  }
  return wanted;
}

/** Shared by every editor in the tab, so a copied step can be pasted into another flow. */
let clipboard: Clip | undefined;

export function useEditorActions(document: FlowDocument, canvas: RefObject<HTMLElement | null>) {
  const flow = useReactFlow<EditorNode>();
  const pastes = useRef(0);
  const { change, current } = document;

  const select = useCallback(
    (nodeIds: ReadonlySet<string>, edgeIds: ReadonlySet<string> = new Set()) =>
      change({
        nodes: (ns) => ns.map((n) => (!!n.selected === nodeIds.has(n.id) ? n : { ...n, selected: nodeIds.has(n.id) })),
        edges: (es) => es.map((e) => (!!e.selected === edgeIds.has(e.id) ? e : { ...e, selected: edgeIds.has(e.id) })),
      }),
    [change],
  );

  /**
   * Moves the view so the step is in full view at a readable size and not under the overview
   * map in the corner; leaves the view alone when it already is.
   */
  const revealNode = useCallback(
    (id: string) => {
      const el = canvas.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
      const pane = canvas.current?.getBoundingClientRect();
      const node = flow.getInternalNode(id);
      if (!el || !pane || !node) return;
      const box = el.getBoundingClientRect();
      const minimap = canvas.current?.querySelector('.react-flow__minimap')?.getBoundingClientRect();
      const inView = box.left >= pane.left && box.right <= pane.right && box.top >= pane.top && box.bottom <= pane.bottom;
      const hidden = minimap !== undefined && intersects(box, minimap);
      if (inView && !hidden && flow.getZoom() >= READABLE_ZOOM) return;
      const { x, y } = node.internals.positionAbsolute;
      const w = node.measured.width ?? NODE_SIZE.width;
      const h = node.measured.height ?? NODE_SIZE.height;
      void flow.setCenter(x + w / 2, y + h / 2, { zoom: Math.max(flow.getZoom(), READABLE_ZOOM), duration: 200 });
    },
    [canvas, flow],
  );

  /** Adds a step where it was dropped, or at the centre of the view, and selects it. */
  const addNode = useCallback(
    (kind: NodeKind, at?: { x: number; y: number }) => {
      const { nodes } = current();
      let position = at;
      if (!position) {
        const rect = canvas.current?.getBoundingClientRect();
        const centre = rect
          ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
          : { x: 0, y: 0 };
        const wanted = spotBelow(nodes) ?? { x: centre.x - NODE_SIZE.width / 2, y: centre.y - NODE_SIZE.height / 2 };
        position = freeSpot(wanted, nodes);
      }
      const id = newNodeId(kind, new Set(nodes.map((n) => n.id)));
      const node: EditorNode = {
        id,
        type: kind,
        position: { x: Math.round(position.x), y: Math.round(position.y) },
        data: defaultData(kind),
        selected: true,
      };
      change(
        {
          nodes: (ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
          edges: (es) => es.map((e) => (e.selected ? { ...e, selected: false } : e)),
        },
        {},
      );
      // Two frames: React renders the step, then React Flow measures it.
      if (!at) window.requestAnimationFrame(() => window.requestAnimationFrame(() => revealNode(id)));
      return id;
    },
    [change, current, flow, canvas, revealNode],
  );

  /** Connects `source`'s output `handle` to `target`, as a drag between the handles would. */
  const connect = useCallback(
    (source: string, handle: string | null, target: string) =>
      change(
        {
          edges: (es) =>
            addEdge(
              {
                source,
                sourceHandle: handle,
                target,
                targetHandle: null,
                id: newEdgeId(source, handle, target, new Set(es.map((e) => e.id))),
              },
              es,
            ),
        },
        {},
      ),
    [change],
  );

  const updateNodeData = useCallback(
    (id: string, data: Record<string, unknown>) =>
      change({ nodes: (ns) => ns.map((n) => (n.id === id ? { ...n, data } : n)) }, { coalesce: `data:${id}` }),
    [change],
  );

  const deleteNode = useCallback(
    (id: string) =>
      change(
        {
          nodes: (ns) => ns.filter((n) => n.id !== id),
          edges: (es) => es.filter((e) => e.source !== id && e.target !== id),
        },
        {},
      ),
    [change],
  );

  const copy = useCallback(() => {
    const { nodes, edges } = current();
    const clip = copySelection(nodes, edges);
    if (!clip) return false;
    clipboard = clip;
    pastes.current = 0;
    return true;
  }, [current]);

  const paste = useCallback(() => {
    if (!clipboard) return false;
    const { nodes, edges } = current();
    pastes.current += 1;
    const pasted = pasteClip(clipboard, nodes, edges, PASTE_STEP * pastes.current);
    change(
      {
        nodes: (ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes],
        edges: (es) => [...es.map((e) => (e.selected ? { ...e, selected: false } : e)), ...pasted.edges],
      },
      {},
    );
    return true;
  }, [change, current]);

  /**
   * Fits the tidied flow into view, but never below a readable zoom: a flow too wide for the
   * screen is shown from its start (the trigger on the left), to be scrolled from there.
   */
  const tidyView = useCallback(async () => {
    await flow.fitView({ padding: 0.15, maxZoom: 1, duration: 0 });
    if (flow.getZoom() >= READABLE_ZOOM) return;
    const bounds = flow.getNodesBounds(flow.getNodes());
    const pane = canvas.current?.getBoundingClientRect();
    const margin = 40;
    const zoom = READABLE_ZOOM;
    const centreY = pane ? pane.height / 2 - (bounds.y + bounds.height / 2) * zoom : margin;
    const topY = margin - bounds.y * zoom;
    const y = pane && bounds.height * zoom + 2 * margin <= pane.height ? centreY : topY;
    await flow.setViewport({ x: margin - bounds.x * zoom, y, zoom }, { duration: 0 });
  }, [canvas, flow]);

  const autoLayout = useCallback(() => {
    const { nodes, edges } = current();
    const positions = layoutLeftToRight(nodes, edges);
    change({ nodes: (ns) => ns.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) }, {});
    window.requestAnimationFrame(() => void tidyView());
  }, [change, current, tidyView]);

  /** Selects a step and centres the view on it. */
  const focusNode = useCallback(
    (id: string) => {
      select(new Set([id]));
      const node = flow.getInternalNode(id);
      if (!node) return;
      const { x, y } = node.internals.positionAbsolute;
      const w = node.measured.width ?? NODE_SIZE.width;
      const h = node.measured.height ?? NODE_SIZE.height;
      void flow.setCenter(x + w / 2, y + h / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
    },
    [flow, select],
  );

  /** Selects a connection and centres the view between its ends. */
  const focusEdge = useCallback(
    (id: string) => {
      const edge = current().edges.find((e) => e.id === id);
      if (!edge) return;
      select(new Set(), new Set([id]));
      const a = flow.getInternalNode(edge.source);
      const b = flow.getInternalNode(edge.target);
      if (!a || !b) return;
      const cx = (a.internals.positionAbsolute.x + (a.measured.width ?? 0) + b.internals.positionAbsolute.x) / 2;
      const cy = (a.internals.positionAbsolute.y + b.internals.positionAbsolute.y + (b.measured.height ?? 0)) / 2;
      void flow.setCenter(cx, cy, { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
    },
    [current, flow, select],
  );

  return useMemo(
    () => ({ addNode, connect, updateNodeData, deleteNode, copy, paste, autoLayout, focusNode, focusEdge, select }),
    [addNode, connect, updateNodeData, deleteNode, copy, paste, autoLayout, focusNode, focusEdge, select],
  );
}

export type EditorActions = ReturnType<typeof useEditorActions>;
