/**
 * Live validation: the real compiler on every committed change (not on every drag frame),
 * plus what only the server can know (a card of another merchant), kept from the last save
 * or publish. Feeds the node decorations, the red connections and the Problems list.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { compileFlow, type Diagnostic, type FlowGraph } from '../../../engine/compiler';
import type { DecorationStore, NodeDecoration } from './decorations';

const key = (d: Diagnostic) => [d.code, d.nodeId ?? '', d.edgeId ?? '', d.field ?? '', d.message].join('|');
const NO_PROBLEMS: readonly Diagnostic[] = [];

/** The server's diagnostics for `graph` that the compiler alone does not find. */
export function serverOnly(server: readonly Diagnostic[], graph: FlowGraph): Diagnostic[] {
  if (server.length === 0) return [];
  const local = new Set(compileFlow(graph).diagnostics.map(key));
  return server.filter((d) => !local.has(key(d)));
}

export interface Validation {
  readonly diagnostics: readonly Diagnostic[];
  /** The problems of one node (stable between changes that do not touch them). */
  problemsOf(nodeId: string): readonly Diagnostic[];
  readonly invalidEdgeIds: ReadonlySet<string>;
  /** Takes the server's verdict on a graph it saved or refused to publish. */
  takeServerDiagnostics(server: readonly Diagnostic[], graph: FlowGraph): void;
}

export function useFlowValidation(
  doc: FlowGraph,
  store: DecorationStore,
  initialServer: readonly Diagnostic[],
): Validation {
  const [extras, setExtras] = useState<Diagnostic[]>(() => serverOnly(initialServer, doc));
  const compiled = useMemo(() => compileFlow(doc), [doc]);

  const diagnostics = useMemo(() => {
    // A server-only problem about a node that is gone is gone too.
    const ids = new Set(doc.nodes.map((n) => n.id));
    return [...compiled.diagnostics, ...extras.filter((d) => d.nodeId === undefined || ids.has(d.nodeId))];
  }, [compiled, extras, doc]);

  const byNode = useMemo(() => {
    const map = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      if (d.nodeId === undefined) continue;
      let list = map.get(d.nodeId);
      if (!list) map.set(d.nodeId, (list = []));
      list.push(d);
    }
    return map;
  }, [diagnostics]);

  const invalidEdgeIds = useMemo(
    () => new Set(diagnostics.flatMap((d) => (d.edgeId === undefined ? [] : [d.edgeId]))),
    [diagnostics],
  );

  useEffect(() => {
    const decorations = new Map<string, NodeDecoration>();
    // A connection's problem is shown on the connection, not as the node's.
    for (const [id, list] of byNode) {
      const problems = list.filter((d) => d.edgeId === undefined).map((d) => d.message);
      if (problems.length > 0) decorations.set(id, { problems });
    }
    store.replace(decorations);
  }, [byNode, store]);

  const problemsOf = useCallback((nodeId: string) => byNode.get(nodeId) ?? NO_PROBLEMS, [byNode]);
  const takeServerDiagnostics = useCallback(
    (server: readonly Diagnostic[], graph: FlowGraph) => setExtras(serverOnly(server, graph)),
    [],
  );

  return { diagnostics, problemsOf, invalidEdgeIds, takeServerDiagnostics };
}
