/**
 * Diagnostics for input that is not a flow graph at all (the structural schema failed).
 * Where the problem is inside a node or edge whose id is readable, the diagnostic names it.
 */
import { fieldPath, type Diagnostic } from './diagnostics';

interface GraphIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function idAt(graph: unknown, list: PropertyKey | undefined, position: PropertyKey | undefined): string | undefined {
  if (typeof graph !== 'object' || graph === null || typeof position !== 'number') return undefined;
  const items: unknown = (graph as Record<string, unknown>)[String(list)];
  const item: unknown = Array.isArray(items) ? items[position] : undefined;
  const id: unknown = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** One `invalid_graph` diagnostic per schema issue, naming the node or edge when possible. */
export function compileGraphIssues(issues: readonly GraphIssue[], graph: unknown): Diagnostic[] {
  return issues.map((issue) => {
    const [list, position] = issue.path;
    const id = idAt(graph, list, position);
    const where = fieldPath(issue.path) ?? 'the top level';
    const diagnostic: Diagnostic = {
      code: 'invalid_graph',
      message: `The flow file is malformed at ${where}: ${issue.message}`,
    };
    if (id === undefined) return diagnostic;
    return list === 'nodes' ? { ...diagnostic, nodeId: id } : { ...diagnostic, edgeId: id };
  });
}
