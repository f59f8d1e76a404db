/** The per-step counts as a table: the graph's badges in a form a keyboard and a screen reader can read. */
import type { FlowGraph } from '../../../engine/compiler';
import { formatTime } from '../shell/format';
import { stepLabel, stepNote } from './step-labels';
import type { RunReport } from './types';

export function StepTable({
  graph,
  steps,
  nodeIds,
  selectedNodeId,
  onSelect,
}: {
  graph: FlowGraph | undefined;
  steps: RunReport['steps'];
  nodeIds: readonly string[];
  selectedNodeId: string | undefined;
  onSelect: (nodeId: string | undefined) => void;
}) {
  return (
    <div className="table-scroll">
      <table className="list step-table">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col" className="num">Entered</th>
            <th scope="col" className="num">Sent</th>
            <th scope="col" className="num">Failed</th>
            <th scope="col" className="num">Skipped</th>
            <th scope="col" className="num">Blocked</th>
            <th scope="col" className="num">Waiting now</th>
          </tr>
        </thead>
        <tbody>
          {nodeIds.map((nodeId) => {
            const s = steps[nodeId];
            const selected = nodeId === selectedNodeId;
            return (
              <tr key={nodeId} className={selected ? 'selected' : undefined}>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={selected}
                    title={selected ? 'Show every step' : 'Show only this step’s deliveries'}
                    onClick={() => onSelect(selected ? undefined : nodeId)}
                  >
                    {stepLabel(graph, nodeId)}
                  </button>
                  {stepNote(graph, nodeId) && <div className="hint">{stepNote(graph, nodeId)}</div>}
                </td>
                <td className="num">{s?.entered ?? 0}</td>
                <td className="num">{s?.sent ?? 0}</td>
                <td className="num">{s?.failed ?? 0}</td>
                <td className="num">{s?.skipped ?? 0}</td>
                <td className="num">{s?.suppressed ?? 0}</td>
                <td className="num">
                  {s?.waiting ?? 0}
                  {s?.waitingUntil && s.waiting > 0 && <div className="hint">until {formatTime(s.waitingUntil)}</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
