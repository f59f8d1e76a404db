/**
 * The canvas node of every kind: title, settings at a glance, live segment count, run
 * counts and problems, a target handle on the left (none on the trigger) and one labelled
 * source handle per output on the right. Memoised: moving a node does not re-render it.
 */
import { Handle, Position, useNodeConnections, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo, useContext } from 'react';
import { FlowMetaContext, useNodeDecoration, type NodeOverlay } from './decorations';
import { isNodeKind, KIND_ICONS, KIND_LABELS, outputsOf, type NodeKind } from './node-meta';
import { summaryLines } from './node-summary';
import { useSegmentCount } from './use-segment-count';
import { stepResultText } from '../results/step-results';

export type EditorNode = Node<Record<string, unknown>>;

function OutputHandles({ outputs, stale }: { outputs: readonly string[]; stale: readonly string[] }) {
  const all = [...outputs, ...stale.filter((h) => !outputs.includes(h))];
  if (all.length === 1 && all[0] === 'next') {
    return <Handle type="source" position={Position.Right} id="next" className="flow-handle" />;
  }
  return (
    <div className="flow-node-outputs">
      {all.map((handle) => {
        const isStale = !outputs.includes(handle);
        return (
          <div key={handle} className={isStale ? 'flow-output stale' : 'flow-output'}>
            <span className="flow-output-label">{handle}</span>
            <Handle
              type="source"
              position={Position.Right}
              id={handle}
              className="flow-handle"
              title={isStale ? `"${handle}" is not an output with these settings` : `Connect "${handle}"`}
            />
          </div>
        );
      })}
    </div>
  );
}

/** A wait's outputs follow its mode; an output still connected from another mode stays visible (in red). */
function WaitHandles({ data }: { data: Record<string, unknown> }) {
  const connections = useNodeConnections({ handleType: 'source' });
  const outputs = outputsOf('wait', data);
  const stale = [...new Set(connections.map((c) => c.sourceHandle ?? 'next'))].filter((h) => !outputs.includes(h));
  return <OutputHandles outputs={outputs} stale={stale} />;
}

function SegmentCountLine({ data }: { data: Record<string, unknown> }) {
  const { cardId, liveCounts } = useContext(FlowMetaContext);
  const count = useSegmentCount(data, cardId, liveCounts);
  if (count.state === 'idle') return null;
  const text =
    count.state === 'loading'
      ? '≈ … customers'
      : count.state === 'error'
        ? 'Count unavailable'
        : `≈ ${count.count.toLocaleString()} customer${count.count === 1 ? '' : 's'}`;
  return (
    <div className="flow-node-count" title={count.state === 'error' ? count.message : 'Customers matching now'}>
      {text}
    </div>
  );
}

function CardLine({ data }: { data: Record<string, unknown> }) {
  const { cardNames } = useContext(FlowMetaContext);
  const cardId = typeof data['cardId'] === 'string' ? data['cardId'] : undefined;
  const exits = Array.isArray(data['exitOn']) ? data['exitOn'] : [];
  const card = cardId ? (cardNames.get(cardId) ?? 'a card') : 'All cards';
  const exit =
    exits.length > 0
      ? ` · leaves on ${exits.map((e) => (e === 'visit' ? 'a visit' : 'a redeemed reward')).join(' or ')}`
      : '';
  return <div className="flow-node-line muted">{card + exit}</div>;
}

/** "120 entered · 118 sent · 2 skipped · 5 waiting". */
export function overlayText(overlay: NodeOverlay): string {
  const parts: string[] = [];
  if (overlay.entered !== undefined) parts.push(`${overlay.entered.toLocaleString()} entered`);
  for (const key of ['sent', 'failed', 'skipped', 'waiting'] as const) {
    const n = overlay[key];
    if (n) parts.push(`${n.toLocaleString()} ${key}`);
  }
  return parts.join(' · ');
}

/** A published flow's message step: "312 got it · 41 came back" over the last 30 days. */
function StepResultLine({ id }: { id: string }) {
  const { stepResults } = useContext(FlowMetaContext);
  if (!stepResults) return null;
  return (
    <div className="flow-node-result" data-testid={`step-result-${id}`} title="Over the last 30 days">
      {stepResultText(stepResults.get(id))}
    </div>
  );
}

function FlowNodeView({ id, type, data, selected }: NodeProps<EditorNode>) {
  const { problems, overlay } = useNodeDecoration(id);
  const kind: NodeKind | undefined = isNodeKind(type) ? type : undefined;
  const invalid = problems !== undefined && problems.length > 0;
  return (
    <div
      className={`flow-node kind-${kind ?? 'unknown'}${selected ? ' selected' : ''}`}
      data-testid={`node-${id}`}
      data-kind={type}
      data-invalid={invalid ? 'true' : undefined}
    >
      {kind !== 'trigger' && <Handle type="target" position={Position.Left} className="flow-handle" />}
      <div className="flow-node-head">
        <span aria-hidden="true">{kind ? KIND_ICONS[kind] : '?'}</span>
        <span>{kind ? KIND_LABELS[kind] : 'Unknown step'}</span>
      </div>
      <div className="flow-node-body">
        {summaryLines(type, data).map((line, i) => (
          <div key={i} className="flow-node-line">
            {line}
          </div>
        ))}
        {kind === 'trigger' && <CardLine data={data} />}
        {kind === 'segment' && <SegmentCountLine data={data} />}
      </div>
      {(kind === 'push' || kind === 'email' || kind === 'voucher') && <StepResultLine id={id} />}
      {overlay && <div className="flow-node-overlay">{overlayText(overlay) || 'No one yet'}</div>}
      {invalid && (
        <ul className="flow-node-problems">
          {problems.map((message, i) => (
            <li key={i}>{message}</li>
          ))}
        </ul>
      )}
      {kind === 'wait' ? (
        <WaitHandles data={data} />
      ) : (
        kind && <OutputHandles outputs={outputsOf(kind, data)} stale={[]} />
      )}
    </div>
  );
}

/** Re-render on what the node shows, not on where it is. */
const FlowNode = memo(
  FlowNodeView,
  (a, b) =>
    a.id === b.id &&
    a.type === b.type &&
    a.data === b.data &&
    a.selected === b.selected &&
    a.isConnectable === b.isConnectable,
);

/** The same component for every kind (and for unknown kinds, so a bad draft still shows). */
export const nodeTypes: NodeTypes = {
  trigger: FlowNode,
  segment: FlowNode,
  wait: FlowNode,
  push: FlowNode,
  email: FlowNode,
  voucher: FlowNode,
  default: FlowNode,
};
