/**
 * A read-only canvas of a flow with the editor's node components, optionally showing run
 * counts per node. Used by the run inspector and by a published version's page.
 *
 * @example
 * <FlowView graph={version.graph} overlay={{ push1: { entered: 120, sent: 118 } }} onSelectNode={setNode} />
 */
import {
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  type NodeChange,
  type NodeMouseHandler,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FlowGraph } from '../../../engine/compiler';
import {
  DecorationContext,
  DecorationStore,
  FlowMetaContext,
  type FlowMeta,
  type NodeDecoration,
  type NodeOverlay,
} from './decorations';
import { nodeTypes, type EditorNode } from './FlowNode';
import { EDGE_DEFAULTS, toEditorEdges, toEditorNodes } from './graph-convert';
import { useCardNames } from './use-cards';
import './flows.css';

/** Flows with more steps than this get a minimap. */
const MINIMAP_FROM = 12;

export interface FlowViewProps {
  graph: FlowGraph;
  overlay?: Record<string /* nodeId */, NodeOverlay>;
  selectedNodeId?: string;
  onSelectNode?: (id: string) => void;
  /** Pixels; 480 when not given. */
  height?: number;
  /** Fill the parent's height instead (the version page). */
  fill?: boolean;
}

const FIT = { padding: 0.15, maxZoom: 1 } as const;

function keepMeasured(next: EditorNode[], previous: readonly EditorNode[]): EditorNode[] {
  const sizes = new Map(previous.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = sizes.get(n.id);
    return old?.measured && old.type === n.type ? { ...n, measured: old.measured } : n;
  });
}

function FlowViewCanvas({ graph, overlay, selectedNodeId, onSelectNode }: FlowViewProps) {
  const [store] = useState(() => new DecorationStore());
  const cardNames = useCardNames();
  const edges = useMemo(() => toEditorEdges(graph), [graph]);
  // Nodes keep their measured size (React Flow reports it) across a new `graph` object, so a
  // run page that polls does not make every node measure again.
  const [measured, setMeasured] = useState(() => ({ graph, nodes: toEditorNodes(graph) }));
  if (measured.graph !== graph) setMeasured({ graph, nodes: keepMeasured(toEditorNodes(graph), measured.nodes) });
  const nodes = useMemo<EditorNode[]>(
    () => measured.nodes.map((n) => (n.id === selectedNodeId ? { ...n, selected: true } : n)),
    [measured.nodes, selectedNodeId],
  );
  const onNodesChange = useCallback((changes: NodeChange<EditorNode>[]) => {
    const sizes = changes.filter((c) => c.type === 'dimensions');
    if (sizes.length > 0) setMeasured((m) => ({ ...m, nodes: applyNodeChanges(sizes, m.nodes) }));
  }, []);
  const meta = useMemo<FlowMeta>(() => ({ cardNames, liveCounts: false }), [cardNames]);

  useEffect(() => {
    const next = new Map<string, NodeDecoration>();
    for (const [id, counts] of Object.entries(overlay ?? {})) next.set(id, { overlay: counts });
    store.replace(next);
  }, [overlay, store]);

  const onNodeClick: NodeMouseHandler<EditorNode> = (_, node) => onSelectNode?.(node.id);
  const initialized = useNodesInitialized();

  return (
    <div
      className="flow-view-canvas"
      data-testid="flow-canvas"
      data-ready={initialized || nodes.length === 0 ? 'true' : 'false'}
    >
      <DecorationContext.Provider value={store}>
        <FlowMetaContext.Provider value={meta}>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            defaultEdgeOptions={EDGE_DEFAULTS}
            onNodeClick={onNodeClick}
            onNodesChange={onNodesChange}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            nodesFocusable
            deleteKeyCode={null}
            fitView
            fitViewOptions={FIT}
            minZoom={0.1}
            onlyRenderVisibleElements={nodes.length > 150}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} size={1} />
            <Controls showInteractive={false} />
            {/* A small flow is all in view: there a minimap only covers steps (the run page is low). */}
            {nodes.length > MINIMAP_FROM && <MiniMap pannable zoomable ariaLabel="Flow overview" />}
          </ReactFlow>
        </FlowMetaContext.Provider>
      </DecorationContext.Provider>
    </div>
  );
}

export function FlowView(props: FlowViewProps) {
  return (
    <div className="flow-view" style={{ height: props.fill ? '100%' : (props.height ?? 480) }} data-testid="flow-view">
      <ReactFlowProvider>
        <FlowViewCanvas {...props} />
      </ReactFlowProvider>
    </div>
  );
}
