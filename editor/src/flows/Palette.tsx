/** The six kinds of step: click to add one in the middle of the view, or drag one onto the canvas. */
import { memo } from 'react';
import { KIND_HINTS, KIND_ICONS, KIND_LABELS, NODE_KINDS, type NodeKind } from './node-meta';

export const DRAG_TYPE = 'application/x-stampflow-node';

export const Palette = memo(function Palette({
  onAdd,
  hasTrigger,
}: {
  onAdd: (kind: NodeKind) => void;
  hasTrigger: boolean;
}) {
  return (
    <nav className="palette" aria-label="Add a step">
      {NODE_KINDS.map((kind) => {
        // Not disabled: a second trigger is allowed on the canvas and reported as a problem.
        const second = kind === 'trigger' && hasTrigger;
        return (
          <button
            key={kind}
            type="button"
            className={`palette-item kind-${kind}${second ? ' secondary' : ''}`}
            aria-label={`Add ${kind}`}
            title={
              second
                ? 'This flow has its trigger already; a flow starts from one trigger'
                : `${KIND_HINTS[kind]} — click, or drag onto the canvas`
            }
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(DRAG_TYPE, kind);
              e.dataTransfer.effectAllowed = 'move';
            }}
            onClick={() => onAdd(kind)}
          >
            <span className="palette-icon" aria-hidden="true">
              {KIND_ICONS[kind]}
            </span>
            <span className="palette-label">{KIND_LABELS[kind]}</span>
          </button>
        );
      })}
    </nav>
  );
});
