/**
 * What a flow's draft changes against its live (latest published) version: steps added,
 * removed or with other settings, and whether the connections differ. Where steps sit on
 * the canvas and what the editor marks (selection, measured sizes) are not changes: moving
 * a step changes nothing a customer gets, so it neither needs nor makes a new version.
 */
import type { FlowEdge, FlowGraph } from '../compiler/graph-schema';

export interface DraftChanges {
  /** Node ids of steps the live version does not have. */
  readonly added: readonly string[];
  /** Node ids of live steps the draft no longer has. */
  readonly removed: readonly string[];
  /** Node ids of steps whose kind or settings differ. */
  readonly changed: readonly string[];
  /** True when some connection was added, removed or moved to another output. */
  readonly connections: boolean;
}

/** Key order does not matter, as in Postgres' jsonb. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const edgeKey = (e: FlowEdge) => `${e.source}\u0000${e.sourceHandle ?? ''}\u0000${e.target}`;

/**
 * The changes from `live` to `draft`; null when there are none.
 *
 * @example
 * draftChanges(live, { ...live, nodes: [...live.nodes, newEmail] }) // { added: ['email-1'], removed: [], changed: [], connections: false }
 */
export function draftChanges(live: FlowGraph, draft: FlowGraph): DraftChanges | null {
  const before = new Map(live.nodes.map((n) => [n.id, canonical({ type: n.type, data: n.data })]));
  const after = new Map(draft.nodes.map((n) => [n.id, canonical({ type: n.type, data: n.data })]));
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed = [...after.entries()].filter(([id, v]) => before.has(id) && before.get(id) !== v).map(([id]) => id);
  const a = new Set(live.edges.map(edgeKey));
  const b = new Set(draft.edges.map(edgeKey));
  const connections = a.size !== b.size || [...a].some((k) => !b.has(k));
  if (added.length + removed.length + changed.length === 0 && !connections) return null;
  return { added, removed, changed, connections };
}
