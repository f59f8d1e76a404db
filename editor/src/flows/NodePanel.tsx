/**
 * The side panel's form for the selected node. Memoised on the node's id, kind and data, so
 * dragging nodes around does not re-render it. Read-only on a published version.
 */
import { memo, useContext } from 'react';
import type { Diagnostic } from '../../../engine/compiler';
import { FlowMetaContext } from './decorations';
import { EmailForm } from './forms/EmailForm';
import { EmailPreview } from './forms/EmailPreview';
import { TestSend } from './forms/TestSend';
import { type Data } from './forms/fields';
import { PushForm } from './forms/PushForm';
import { SegmentForm } from './forms/SegmentForm';
import { TriggerForm } from './forms/TriggerForm';
import { VoucherForm } from './forms/VoucherForm';
import { TelegramForm } from './forms/TelegramForm';
import { WaitForm } from './forms/WaitForm';
import { isNodeKind, KIND_HINTS, KIND_ICONS, KIND_LABELS } from './node-meta';
import type { Card } from './use-cards';
import { useSegmentCount } from './use-segment-count';

export interface NodePanelProps {
  readonly id: string;
  readonly type: string;
  readonly data: Data;
  readonly problems: readonly Diagnostic[];
  readonly cards: readonly Card[];
  readonly merchantName: string;
  readonly readOnly?: boolean;
  readonly onChange?: (id: string, data: Data) => void;
  readonly onDelete?: (id: string) => void;
}

function SegmentCountNote({ data }: { data: Data }) {
  const { cardId, liveCounts } = useContext(FlowMetaContext);
  const count = useSegmentCount(data, cardId, liveCounts);
  if (count.state === 'idle') return null;
  return (
    <p className="segment-count" aria-live="polite">
      {count.state === 'done'
        ? `≈ ${count.count.toLocaleString()} customer${count.count === 1 ? '' : 's'} match now.`
        : count.state === 'error'
          ? `Could not count customers: ${count.message}`
          : 'Counting customers…'}
    </p>
  );
}

function KindForm({ id, type, data, problems, cards, merchantName, onChange }: NodePanelProps) {
  const change = (next: Data) => onChange?.(id, next);
  const props = { data, problems, onChange: change };
  if (!isNodeKind(type)) return <p className="form-error">This step has an unknown kind (“{type}”); delete it.</p>;
  switch (type) {
    case 'trigger':
      return <TriggerForm {...props} cards={cards} />;
    case 'segment':
      return (
        <>
          <SegmentForm {...props} />
          <SegmentCountNote data={data} />
        </>
      );
    case 'wait':
      return <WaitForm {...props} />;
    case 'push':
      return <PushForm {...props} merchantName={merchantName} />;
    case 'email':
      return (
        <>
          <EmailForm {...props} />
          <EmailPreview
            subject={typeof data['subject'] === 'string' ? data['subject'] : ''}
            body={typeof data['body'] === 'string' ? data['body'] : ''}
          />
          {onChange && <TestSend nodeId={id} />}
        </>
      );
    case 'voucher':
      return <VoucherForm {...props} />;
    case 'telegram':
      return <TelegramForm {...props} />;
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

export const NodePanel = memo(function NodePanel(props: NodePanelProps) {
  const { id, type, problems, readOnly, onDelete } = props;
  const kind = isNodeKind(type) ? type : undefined;
  // Problems the fields do not show themselves: about the node as a whole or its connections.
  const general = problems.filter((p) => p.field === undefined || p.field === 'sourceHandle');
  return (
    <section className="node-panel" aria-labelledby={`panel-${id}`}>
      <header className="node-panel-head">
        <h2 id={`panel-${id}`}>
          <span aria-hidden="true">{kind ? KIND_ICONS[kind] : '?'}</span> {kind ? KIND_LABELS[kind] : 'Unknown step'}
        </h2>
        {!readOnly && onDelete && (
          <button type="button" className="danger" onClick={() => onDelete(id)}>
            Delete
          </button>
        )}
      </header>
      {kind && <p className="hint">{KIND_HINTS[kind]}</p>}
      {general.length > 0 && (
        <ul className="panel-problems">
          {general.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
      <fieldset className="node-form" disabled={readOnly}>
        <KindForm {...props} />
      </fieldset>
    </section>
  );
});
