/** Flow graphs as the editor saves them, built for tests. */

// Type aliases, not interfaces: the API's typed client takes them where its schema allows more keys.
type GraphNode = {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: Record<string, unknown>;
};
type GraphEdge = {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string;
};
export type Graph = {
  nodes: GraphNode[];
  edges: GraphEdge[];
};

export interface BroadcastSpec {
  readonly cardId?: string;
  readonly sendAt?: string;
  readonly voucher?: { title: string; validDays: number };
  readonly push?: string;
  readonly email?: { subject: string; body: string };
  /** A wait between push and email ("push now, email tomorrow"). */
  readonly waitSeconds?: number;
}

/** trigger → [voucher] → [push] → [wait] → [email], in that order. */
export function broadcastGraph(spec: BroadcastSpec): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (id: string, type: string, data: Record<string, unknown>) => {
    const prev = nodes.at(-1);
    nodes.push({ id, type, position: { x: 0, y: nodes.length * 120 }, data });
    if (prev) edges.push({ id: `e-${prev.id}-${id}`, source: prev.id, target: id });
  };
  add('trigger', 'trigger', { trigger: 'broadcast', ...(spec.cardId ? { cardId: spec.cardId } : {}), ...(spec.sendAt ? { sendAt: spec.sendAt } : {}) });
  if (spec.voucher) add('voucher', 'voucher', spec.voucher);
  if (spec.push) add('push', 'push', { text: spec.push });
  if (spec.waitSeconds) add('wait', 'wait', { for: { seconds: spec.waitSeconds } });
  if (spec.email) add('email', 'email', spec.email);
  return { nodes, edges };
}
