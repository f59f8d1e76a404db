/**
 * Every problem the compiler (and the server) found, each with the step it is about; picking
 * one selects that step (or connection) and brings it into view.
 */
import { memo, useState } from 'react';
import type { Diagnostic, FlowGraph } from '../../../engine/compiler';
import { nodeTitle } from './node-summary';

export const ProblemsList = memo(function ProblemsList({
  diagnostics,
  graph,
  onPick,
}: {
  diagnostics: readonly Diagnostic[];
  graph: FlowGraph;
  onPick: (d: Diagnostic) => void;
}) {
  const [open, setOpen] = useState(true);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const count = diagnostics.length;
  return (
    <section className={`problems${count > 0 ? ' has-problems' : ''}${open ? ' open' : ''}`}>
      <div className="problems-head">
        <button type="button" className="problems-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          {count === 0 ? '✓ No problems' : `⚠ ${count} problem${count === 1 ? '' : 's'}`}
        </button>
        <span className="problems-hint">
          {count === 0 ? 'Ready when you are.' : `Fix ${count === 1 ? 'it' : 'them'} to publish.`}
        </span>
      </div>
      <ul aria-label="Problems" hidden={!open}>
        {diagnostics.map((d, i) => {
          const node = d.nodeId === undefined ? undefined : byId.get(d.nodeId);
          const title = node ? nodeTitle(node.type, node.data) : undefined;
          const where =
            d.edgeId !== undefined ? (title ? `Connection from ${title}` : 'Connection') : (title ?? 'Flow');
          return (
            <li key={`${d.code}-${d.nodeId ?? ''}-${d.edgeId ?? ''}-${d.field ?? ''}-${i}`}>
              <button
                type="button"
                className="problem"
                onClick={() => onPick(d)}
                disabled={d.nodeId === undefined && d.edgeId === undefined}
              >
                <span className="problem-where">{where}</span>
                <span className="problem-message">{d.message}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
});
