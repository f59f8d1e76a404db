/**
 * The structural schema of a flow as the editor saves it: React Flow's `{nodes, edges}`.
 *
 * It checks shape and size only, so the API can answer 400 to input that is not a graph.
 * Drafts pass: a node's `type` is any string and its `data` any object; whether the data
 * makes sense for the kind is the compiler's business (diagnostics tied to the node).
 * Unknown properties React Flow adds (`width`, `measured`, `selected`, edge `type`, …) are
 * kept, so a stored snapshot reopens in the editor exactly as it was saved.
 */
import { z } from 'zod';

export const MAX_NODES = 2_000;
export const MAX_EDGES = 5_000;
export const MAX_NODE_ID_LENGTH = 100;
/** React Flow builds edge ids from both node ids and handles, so they run longer. */
export const MAX_EDGE_ID_LENGTH = 250;

const nodeId = z.string().min(1).max(MAX_NODE_ID_LENGTH);
const handle = z.string().max(MAX_NODE_ID_LENGTH);

export const flowNodeSchema = z.looseObject({
  id: nodeId,
  type: z.string().max(MAX_NODE_ID_LENGTH),
  position: z.looseObject({ x: z.number(), y: z.number() }),
  data: z.record(z.string(), z.unknown()),
});

export const flowEdgeSchema = z.looseObject({
  id: z.string().min(1).max(MAX_EDGE_ID_LENGTH),
  source: nodeId,
  target: nodeId,
  sourceHandle: handle.nullish(),
});

export const flowGraphSchema = z.looseObject({
  nodes: z.array(flowNodeSchema).max(MAX_NODES),
  edges: z.array(flowEdgeSchema).max(MAX_EDGES),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
export type FlowGraph = z.infer<typeof flowGraphSchema>;
