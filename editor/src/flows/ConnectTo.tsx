/**
 * "Connect to…": connecting steps without a mouse. With one step selected, the button (or the
 * C key) opens a list of the other steps by name; choosing one connects the selected step's
 * output to it, as dragging between the handles would. The compiler judges the result as
 * usual (a loop, say, shows in Problems).
 */
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { useCanvas, type CanvasSource, type SelectedStep } from './canvas-store';
import { isNodeKind, outputsOf } from './node-meta';
import { nodeTitle } from './node-summary';

/** The outputs in words, for steps with more than one. */
const OUTPUT_WORDS: Record<string, string> = {
  match: 'If they match',
  else: 'Otherwise',
  visited: 'If they visit',
  timeout: 'If they do not visit in time',
  next: 'Next',
};

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

const name = (n: { type?: string | undefined; data: Record<string, unknown> }) => nodeTitle(n.type ?? '', n.data);

/** The steps `selected` can connect to; reads the canvas only while the list is open. */
function TargetList({
  canvas,
  selected,
  handle,
  listRef,
  onPick,
}: {
  canvas: CanvasSource;
  selected: SelectedStep;
  handle: string | undefined;
  listRef: RefObject<HTMLUListElement | null>;
  onPick: (target: string) => void;
}) {
  const { nodes, edges } = useCanvas(canvas);
  const targets = nodes.filter((n) => n.id !== selected.id && n.type !== 'trigger');
  const linked = new Set(
    edges.filter((e) => e.source === selected.id && (e.sourceHandle ?? null) === (handle ?? null)).map((e) => e.target),
  );
  if (targets.length === 0) return <p className="hint">There is no other step yet: add one from the left first.</p>;
  return (
    <ul ref={listRef} className="connect-to-list">
      {targets.map((n) => (
        <li key={n.id}>
          <button type="button" disabled={linked.has(n.id)} onClick={() => onPick(n.id)}>
            {name(n)}
            {linked.has(n.id) && <span className="hint"> (connected already)</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function ConnectTo({
  selected,
  canvas,
  onConnect,
}: {
  selected: SelectedStep | undefined;
  canvas: CanvasSource;
  onConnect: (source: string, handle: string | null, target: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [output, setOutput] = useState<string>();
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const titleId = useId();

  const kind = selected?.type;
  const outputs = selected && kind && isNodeKind(kind) ? outputsOf(kind, selected.data) : [];
  const handle = outputs.length > 1 ? (output && outputs.includes(output) ? output : outputs[0]) : undefined;

  // C opens the list while a step is selected (not while typing in a field).
  useEffect(() => {
    if (!selected) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'c' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected]);

  useEffect(() => {
    if (open) list.current?.querySelector('button')?.focus();
  }, [open]);
  useEffect(() => setOpen(false), [selected?.id]);

  if (!selected) return null;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div className="connect-to">
      <button
        ref={button}
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-keyshortcuts="C"
        disabled={outputs.length === 0}
        onClick={() => setOpen((o) => !o)}
        title="Connect this step to another one (shortcut: C)"
      >
        Connect to… <kbd>C</kbd>
      </button>
      {open && (
        <div
          className="connect-to-menu"
          role="dialog"
          aria-labelledby={titleId}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              const items = [...(list.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
              const at = items.indexOf(document.activeElement as HTMLButtonElement);
              const next = items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
              next?.focus();
              e.preventDefault();
            }
          }}
        >
          <p id={titleId} className="connect-to-title">
            Connect {name(selected)} to:
          </p>
          {outputs.length > 1 && (
            <div role="radiogroup" aria-label="Which way" className="connect-to-outputs">
              {outputs.map((o) => (
                <label key={o} className="inline">
                  <input type="radio" name={`${titleId}-output`} checked={handle === o} onChange={() => setOutput(o)} />
                  {OUTPUT_WORDS[o] ?? o}
                </label>
              ))}
            </div>
          )}
          <TargetList
            canvas={canvas}
            selected={selected}
            handle={handle}
            listRef={list}
            onPick={(target) => {
              onConnect(selected.id, handle ?? null, target);
              close();
            }}
          />
          <button type="button" className="link-button" onClick={close}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
