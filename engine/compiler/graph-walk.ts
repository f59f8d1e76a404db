/**
 * Second pass: one iterative depth-first walk over the adjacency list finds what the
 * trigger reaches and every edge that closes a cycle. Linear in nodes + edges; no recursion,
 * so a 2,000-step chain cannot overflow the stack.
 */
import type { Diagnostic } from './diagnostics';
import type { GraphIndex } from './graph-index';

const ON_PATH = 1;
const DONE = 2;

/**
 * Walks from the trigger(s) and then from every node not yet seen (so cycles among
 * unreachable steps are reported too). Pushes `unreachable`, `cycle` and `empty_flow`
 * diagnostics; returns the ids the trigger(s) reach, triggers included.
 */
export function walkGraph(index: GraphIndex, diagnostics: Diagnostic[]): Set<string> {
  const state = new Map<string, typeof ON_PATH | typeof DONE>();
  const walkFrom = (root: string): void => {
    if (state.has(root)) return;
    state.set(root, ON_PATH);
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const edge = index.out.get(frame.id)?.[frame.next];
      if (edge === undefined) {
        state.set(frame.id, DONE);
        stack.pop();
        continue;
      }
      frame.next++;
      const seen = state.get(edge.target);
      if (seen === undefined) {
        state.set(edge.target, ON_PATH);
        stack.push({ id: edge.target, next: 0 });
      } else if (seen === ON_PATH) {
        diagnostics.push({
          edgeId: edge.id,
          nodeId: edge.target,
          code: 'cycle',
          message: 'This connection loops back to an earlier step; a flow cannot repeat steps.',
        });
      }
    }
  };

  for (const trigger of index.triggers) walkFrom(trigger);
  const reachable = new Set(state.keys());
  for (const trigger of index.triggers) {
    if ((index.out.get(trigger)?.length ?? 0) === 0) {
      diagnostics.push({
        nodeId: trigger,
        code: 'empty_flow',
        message: 'This flow does nothing yet: connect a step after the trigger.',
      });
    }
  }
  for (const id of index.nodes.keys()) {
    if (reachable.has(id)) continue;
    if (index.triggers.length > 0) {
      diagnostics.push({
        nodeId: id,
        code: 'unreachable',
        message: 'No customer reaches this step: connect it to the flow.',
      });
    }
    walkFrom(id);
  }
  return reachable;
}
