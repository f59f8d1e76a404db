/**
 * The editable canvas: React Flow fed by the flow document. Drags move nodes without
 * committing (so nothing is validated or saved mid-drag); the drop commits once.
 */
import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStoreApi,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from '@xyflow/react';
import {
  startTransition,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type RefObject,
} from 'react';
import { useCanvas } from './canvas-store';
import { nodeTypes, type EditorNode } from './FlowNode';
import { EDGE_DEFAULTS, newEdgeId, type EditorEdge } from './graph-convert';
import { isNodeKind } from './node-meta';
import { DRAG_TYPE } from './Palette';
import type { EditorActions } from './use-editor-actions';
import type { FlowDocument } from './use-flow-document';

const FIT = { padding: 0.15, maxZoom: 1 } as const;
const DELETE_KEYS = ['Backspace', 'Delete'];
/** Above this many nodes, only what is in view is rendered. */
const VIRTUALISE_FROM = 100;

/** A change worth an undo step: not a selection, a measurement or a drag still under way. */
function isRealNodeChange(change: NodeChange<EditorNode>): boolean {
  switch (change.type) {
    case 'select':
    case 'dimensions':
      return false;
    case 'position':
      return change.dragging !== true && change.position !== undefined;
    case 'add':
    case 'remove':
    case 'replace':
      return true;
    default: {
      const _exhaustive: never = change;
      return _exhaustive;
    }
  }
}

/** A drag frame: nodes moved by a drag still under way, and nothing else. */
function isDragFrame(changes: readonly NodeChange<EditorNode>[]): boolean {
  return changes.length > 0 && changes.every((c) => c.type === 'position' && c.dragging === true);
}

const isValidConnection: IsValidConnection = (c) => c.source !== c.target;
const PRO_OPTIONS = { hideAttribution: true };

/**
 * The overview in the corner. React Flow's <MiniMap> subscribes one rectangle per node to the
 * flow's store, so on every drag frame it re-runs ~300 selectors and re-renders, re-lays out
 * and repaints its SVG. While a drag is under way it is swapped for a still copy of itself
 * (the same DOM, cloned when the drag starts), and the live one returns once the drop is
 * done, rendered as a transition so it does not lengthen the drop's frame.
 */
function FlowMiniMap({ frozen }: { frozen: Element | null }) {
  const host = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (!el || !frozen) return;
    el.replaceChildren(frozen);
    return () => el.replaceChildren();
  }, [frozen]);
  if (frozen) return <div ref={host} className="flow-minimap-still" />;
  return <MiniMap pannable zoomable ariaLabel="Flow overview" nodeStrokeWidth={3} />;
}

export function EditorCanvas({
  document,
  actions,
  invalidEdgeIds,
  canvasRef,
}: {
  document: FlowDocument;
  actions: EditorActions;
  invalidEdgeIds: ReadonlySet<string>;
  canvasRef: RefObject<HTMLDivElement | null>;
}) {
  // While a drag frame is applied, the canvas does not re-render (see onNodesChange).
  const holding = useRef(false);
  const held = useCallback(() => holding.current, []);
  const { nodes, edges } = useCanvas(document, held);
  const { change, current } = document;
  const flowStore = useStoreApi<EditorNode, EditorEdge>();
  const initialized = useNodesInitialized();
  const flow = useReactFlow();
  const [stillMiniMap, setStillMiniMap] = useState<Element | null>(null);

  const onDragStart = useCallback(() => {
    const live = canvasRef.current?.querySelector('.react-flow__minimap');
    setStillMiniMap(live ? (live.cloneNode(true) as Element) : null);
  }, [canvasRef]);
  const onDragStop = useCallback(() => startTransition(() => setStillMiniMap(null)), []);

  /*
   * A drag frame goes into the canvas store as every change does, but is handed to React Flow's
   * own store directly instead of through a render of this component: re-rendering <ReactFlow>
   * with new `nodes` only for its StoreUpdater to pass them on in an effect is a render, a commit
   * and a scheduler task per mouse move that show nothing more (React Flow does the same for an
   * uncontrolled flow). The hand-over runs in a task of its own after the input event, as React
   * renders a state update (and as the bare library's `useNodesState` does), once for however
   * many moves came before it: done inside the event, the input, React Flow's re-render, style,
   * layout and paint of a move would all fall into one frame. The drop is a real change and
   * renders as usual, which brings `nodes` here up to date with the store again.
   */
  const handOver = useMemo(() => new MessageChannel(), []);
  const handOverPending = useRef(false);
  useEffect(() => {
    handOver.port1.onmessage = () => {
      handOverPending.current = false;
      flowStore.getState().setNodes(current().nodes);
    };
    return () => {
      handOver.port1.onmessage = null;
      handOverPending.current = false;
    };
  }, [handOver, flowStore, current]);

  const onNodesChange = useCallback(
    (changes: NodeChange<EditorNode>[]) => {
      if (isDragFrame(changes)) {
        holding.current = true;
        try {
          change({ nodes: (ns) => applyNodeChanges(changes, ns) });
        } finally {
          holding.current = false;
        }
        if (!handOverPending.current) {
          handOverPending.current = true;
          handOver.port2.postMessage(null);
        }
        return;
      }
      change({ nodes: (ns) => applyNodeChanges(changes, ns) }, changes.some(isRealNodeChange) ? {} : undefined);
    },
    [change, handOver],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<EditorEdge>[]) =>
      change(
        { edges: (es) => applyEdgeChanges(changes, es) },
        changes.some((c) => c.type !== 'select') ? {} : undefined,
      ),
    [change],
  );
  const onConnect = useCallback(
    (c: Connection) =>
      change(
        {
          edges: (es) =>
            addEdge({ ...c, id: newEdgeId(c.source, c.sourceHandle, c.target, new Set(es.map((e) => e.id))) }, es),
        },
        {},
      ),
    [change],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(DRAG_TYPE);
      if (!isNodeKind(kind)) return;
      e.preventDefault();
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      actions.addNode(kind, { x: at.x - 110, y: at.y - 30 });
    },
    [actions, flow],
  );

  // Connections the compiler complains about are drawn red.
  const shownEdges = useMemo(
    () =>
      invalidEdgeIds.size === 0
        ? edges
        : edges.map((e) => (invalidEdgeIds.has(e.id) ? { ...e, className: 'invalid' } : e)),
    [edges, invalidEdgeIds],
  );

  return (
    <div
      className="flow-canvas"
      ref={canvasRef}
      data-testid="flow-canvas"
      data-ready={initialized || nodes.length === 0 ? 'true' : 'false'}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow<EditorNode, EditorEdge>
        nodes={nodes}
        edges={shownEdges}
        nodeTypes={nodeTypes}
        defaultEdgeOptions={EDGE_DEFAULTS}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={onDragStart}
        onNodeDragStop={onDragStop}
        onSelectionDragStart={onDragStart}
        onSelectionDragStop={onDragStop}
        isValidConnection={isValidConnection}
        deleteKeyCode={DELETE_KEYS}
        fitView
        fitViewOptions={FIT}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements={nodes.length >= VIRTUALISE_FROM}
        proOptions={PRO_OPTIONS}
        aria-label="Flow canvas"
      >
        <Background gap={20} size={1} />
        <Controls fitViewOptions={FIT} />
        <FlowMiniMap frozen={stillMiniMap} />
      </ReactFlow>
    </div>
  );
}
