/**
 * The flow compiler: editor graph in, plan out, or every problem at once as diagnostics
 * tied to node and edge ids. Pure: no I/O and no Node built-ins, because the Temporal
 * workflow sandbox and the browser editor both import it.
 */
import { compileGraphIssues } from './graph-issues';
import { nodeOutputs, parseNode, toPlanTrigger, toStep, type ParsedNode } from './compile-node';
import type { Diagnostic } from './diagnostics';
import { indexGraph, type GraphIndex } from './graph-index';
import { flowGraphSchema } from './graph-schema';
import { NODE_OUTPUTS } from './node-schemas';
import { walkGraph } from './graph-walk';
import { sizeDiagnostic } from './size-budget';
import { voucherPlaceholderDiagnostics } from './voucher-placeholders';
import { PLAN_VERSION, type Plan, type Step } from './plan';

export type { Diagnostic, DiagnosticCode } from './diagnostics';

/** A plan exactly when the graph is valid; otherwise every problem, each tied to its node. */
export type CompileResult =
  | { readonly ok: true; readonly plan: Plan; /** Empty. */ readonly diagnostics: Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/**
 * Validates a flow graph (as saved by the editor, any JSON) and compiles it to a plan.
 *
 * Reports all problems at once. The plan holds one step per node reachable from the trigger,
 * in input order, with titles and subjects trimmed, waits in milliseconds and duplicate
 * connections dropped.
 *
 * @example
 * const result = compileFlow(JSON.parse(body));
 * if (!result.ok) return c.json({ diagnostics: result.diagnostics }, 422);
 * await publish(result.plan);
 */
export function compileFlow(graph: unknown): CompileResult {
  const parsed = flowGraphSchema.safeParse(graph);
  if (!parsed.success) return { ok: false, diagnostics: compileGraphIssues(parsed.error.issues, graph) };

  const diagnostics: Diagnostic[] = [];
  const graphSize = sizeDiagnostic('graph', graph);
  if (graphSize) diagnostics.push(graphSize);
  const index = indexGraph(parsed.data, diagnostics);
  const nodes = new Map<string, ParsedNode>();
  for (const [id, kind] of index.kinds) {
    const node = parseNode(id, kind, index.nodes.get(id)?.data, diagnostics);
    if (node !== undefined) nodes.set(id, node);
  }
  diagnostics.push(...outputDiagnostics(index, nodes));
  diagnostics.push(...voucherPlaceholderDiagnostics(index, nodes));
  const reachable = walkGraph(index, diagnostics);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const plan = buildPlan(index, nodes, reachable);
  const planSize = sizeDiagnostic('plan', plan);
  if (planSize) return { ok: false, diagnostics: [planSize] };
  return { ok: true, diagnostics: [], plan };
}

/**
 * Connections from an output the node has by kind but not with its settings: a wait for a
 * visit leaves by `visited` or `timeout`, any other wait by its single output.
 */
function outputDiagnostics(index: GraphIndex, nodes: ReadonlyMap<string, ParsedNode>): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const [id, node] of nodes) {
    const allowed = nodeOutputs(node);
    const byKind: readonly string[] = NODE_OUTPUTS[node.kind];
    for (const edge of index.out.get(id) ?? []) {
      // An output the kind never has is reported by the index already.
      if (allowed.includes(edge.handle) || !byKind.includes(edge.handle)) continue;
      const expected = allowed.length === 1 ? 'its single output' : allowed.map((h) => `"${h}"`).join(' or ');
      found.push({
        edgeId: edge.id,
        nodeId: id,
        field: 'sourceHandle',
        code: 'bad_handle',
        message: `This step has no output "${edge.handle}" with its settings; connect from ${expected}.`,
      });
    }
  }
  return found;
}

/** Assembles the plan of a graph that produced no diagnostics. */
function buildPlan(index: GraphIndex, nodes: ReadonlyMap<string, ParsedNode>, reachable: ReadonlySet<string>): Plan {
  const next = (id: string) => (handle: string) =>
    (index.out.get(id) ?? []).filter((edge) => edge.handle === handle).map((edge) => edge.target);
  const triggerNodeId = index.triggers[0];
  const trigger = triggerNodeId === undefined ? undefined : nodes.get(triggerNodeId);
  if (trigger?.kind !== 'trigger') throw new Error('a graph without diagnostics has one trigger');

  const steps: [string, Step][] = [];
  for (const node of nodes.values()) {
    if (node.kind === 'trigger' || !reachable.has(node.id)) continue;
    steps.push([node.id, toStep(node, next(node.id))]);
  }
  return {
    planVersion: PLAN_VERSION,
    triggerNodeId: trigger.id,
    trigger: toPlanTrigger(trigger.data),
    entry: next(trigger.id)('next'),
    // fromEntries defines own properties, so an id such as "__proto__" stays a plain key.
    steps: Object.fromEntries(steps),
  };
}
