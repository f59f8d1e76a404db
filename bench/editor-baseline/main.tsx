/**
 * The editor benchmark's baseline, after React Flow's own stress example: the same 300-node
 * flow (`sampleFlow(300)`, same positions and edges) as plain default nodes in a bare
 * <ReactFlow> with a minimap and controls, state in `useNodesState`/`useEdgesState`. What the
 * library costs by itself; the difference to `editor.*` is what Stampflow's editor adds.
 */
import { Controls, MiniMap, ReactFlow, useEdgesState, useNodesInitialized, useNodesState, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { sampleFlow } from '../../engine/compiler/sample-flow';

const graph = sampleFlow(300);
const initialNodes: Node[] = graph.nodes.map((n) => ({
  id: n.id,
  position: n.position,
  data: { label: `${n.type} ${n.id}` },
  ...(n.type === 'trigger' ? { type: 'input' } : {}),
}));
const initialEdges: Edge[] = graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }));

function Ready() {
  const ready = useNodesInitialized();
  return ready ? <span data-ready-marker /> : null;
}

function Stress() {
  const [nodes, , onNodesChange] = useNodesState(initialNodes);
  const [edges, , onEdgesChange] = useEdgesState(initialEdges);
  return (
    <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} fitView data-testid="flow-canvas">
      <MiniMap />
      <Controls />
      <Ready />
    </ReactFlow>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Stress />
  </StrictMode>,
);
