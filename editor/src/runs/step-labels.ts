/** Names for a flow's steps that a merchant recognises: the kind and what the step says. */
import type { FlowGraph } from '../../../engine/compiler';
import { stepKindLabel } from './words';

const quote = (value: unknown, max = 28): string => {
  if (typeof value !== 'string' || !value.trim()) return '';
  const text = value.trim();
  return ` "${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`;
};

/**
 * `Push "Coffee's waiting ☕"`, `Email "Hi {{customer.name}}"`, `Voucher "Free coffee"`, `Wait`.
 * Unknown nodes (a step missing from the graph) read as their id.
 */
export function stepLabel(graph: FlowGraph | undefined, nodeId: string): string {
  const node = graph?.nodes.find((n) => n.id === nodeId);
  if (!node) return nodeId;
  const data = node.data;
  const label = typeof data['label'] === 'string' && data['label'].trim() ? quote(data['label']) : '';
  if (label) return `${stepKindLabel(node.type)}${label}`;
  switch (node.type) {
    case 'push':
      return `Push${quote(data['text'])}`;
    case 'email':
      return `Email${quote(data['subject'])}`;
    case 'voucher':
      return `Voucher${quote(data['title'])}`;
    case 'telegram':
      return `Telegram${quote(data['text'])}`;
    default:
      return stepKindLabel(node.type);
  }
}

/**
 * What a push step changes on the pass besides sending: its nearby text (a setting of the
 * pass, counted nowhere as a delivery) and its long text on the card page.
 */
export function stepNote(graph: FlowGraph | undefined, nodeId: string): string | undefined {
  const node = graph?.nodes.find((n) => n.id === nodeId);
  if (node?.type !== 'push') return undefined;
  const notes: string[] = [];
  const nearby = node.data['nearbyText'];
  if (typeof nearby === 'string' && nearby.trim()) {
    notes.push(`Also sets the nearby text${quote(nearby)} on each pass it reached: shown near your shops, not a message`);
  }
  const long = node.data['messageText'];
  if (typeof long === 'string' && long.trim()) notes.push('the full message is on each card page');
  const text = notes.join('; ');
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : undefined;
}

/** The steps in the order a customer meets them (breadth-first from the trigger); others last. */
export function orderedSteps(graph: FlowGraph | undefined, nodeIds: readonly string[]): string[] {
  const order = new Map<string, number>();
  if (graph) {
    const queue = graph.nodes.filter((n) => n.type === 'trigger').map((n) => n.id);
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i] ?? '';
      if (order.has(id)) continue;
      order.set(id, order.size);
      for (const e of graph.edges) if (e.source === id && !order.has(e.target)) queue.push(e.target);
    }
  }
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  return [...nodeIds].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
