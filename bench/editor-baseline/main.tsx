/**
 * The editor benchmark's baseline, after React Flow's own stress example: the same 300-node
 * flow (`sampleFlow(300)`, same positions and edges) as plain default nodes in a bare
 * <ReactFlow>, state in `useNodesState`/`useEdgesState`. What the library costs by itself;
 * the difference to `editor.*` is what Stampflow's editor adds.
 *
 * To be compared fairly it takes the editor's React Flow options (zoom range, fit-view padding,
 * arrowheads, only rendering what is in view, background, controls, minimap) and, from the
 * query string, the editor's canvas size and viewport (`?w=808&h=658&x=52&y=139&zoom=0.16`),
 * so both draw the same graph at the same scale in a box of the same size. Without them it
 * fits the view in the whole window.
 */
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useEdgesState,
  useNodesInitialized,
  useNodesState,
  type Edge,
  type Node,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { sampleFlow } from '../../engine/compiler/sample-flow';

// The same options as editor/src/flows/EditorCanvas.tsx and graph-convert.ts.
const FIT = { padding: 0.15, maxZoom: 1 } as const;
const EDGE_DEFAULTS = { markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } } as const;
const PRO_OPTIONS = { hideAttribution: true };

const graph = sampleFlow(300);
const initialNodes: Node[] = graph.nodes.map((n) => ({
  id: n.id,
  position: n.position,
  data: { label: `${n.type} ${n.id}` },
  ...(n.type === 'trigger' ? { type: 'input' } : {}),
}));
const initialEdges: Edge[] = graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }));

const query = new URLSearchParams(window.location.search);
const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
const [width, height, x, y, zoom] = ['w', 'h', 'x', 'y', 'zoom'].map(number);
const viewport: Viewport | undefined =
  x !== undefined && y !== undefined && zoom !== undefined ? { x, y, zoom } : undefined;

function Ready() {
  const ready = useNodesInitialized();
  return ready ? <span data-ready-marker /> : null;
}

function Stress() {
  const [nodes, , onNodesChange] = useNodesState(initialNodes);
  const [edges, , onEdgesChange] = useEdgesState(initialEdges);
  return (
    <div style={{ width: width ?? '100%', height: height ?? '100%' }}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        defaultEdgeOptions={EDGE_DEFAULTS}
        {...(viewport ? { defaultViewport: viewport } : { fitView: true, fitViewOptions: FIT })}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements
        proOptions={PRO_OPTIONS}
        data-testid="flow-canvas"
      >
        <Background gap={20} size={1} />
        <Controls fitViewOptions={FIT} />
        <MiniMap />
        <Ready />
      </ReactFlow>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Stress />
  </StrictMode>,
);
