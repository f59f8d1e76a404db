/**
 * The confirmation before anything sends: who will get what (counted by the server as the
 * run will count), and what the messaging rules hold back. A modal `<dialog>`: the page
 * behind is inert (focus stays inside), Escape and Cancel send nothing, focus starts on
 * Cancel so a second Enter does not send by accident, and returns where it was.
 */
import { useEffect, useId, useRef } from 'react';
import { sendSummary, type SendPreviewAnswer } from './send-summary';
import './sending.css';

export function SendConfirm({
  title,
  preview,
  who,
  note,
  allowNobody = false,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  preview: SendPreviewAnswer;
  /** What the members are called: "card holder", "customer". */
  who?: string;
  /** Said before the counts, e.g. that a flow sends by itself once published. */
  note?: string | undefined;
  /** Confirming is allowed when nobody would get anything now (publishing, not sending). */
  allowNobody?: boolean;
  confirmLabel: string;
  busy: boolean;
  error?: string | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const ids = { title: useId(), body: useId() };
  const summary = sendSummary(preview, who);

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    const before = document.activeElement;
    if (!el.open) el.showModal();
    cancel.current?.focus();
    return () => {
      if (el.open) el.close();
      if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="send-confirm"
      aria-labelledby={ids.title}
      aria-describedby={ids.body}
      onCancel={(e) => {
        // Escape: close through React state, so the dialog unmounts and focus returns.
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={ids.title}>{title}</h2>
      <div id={ids.body} className="stack">
        {note && <p className="send-note">{note}</p>}
        <p className="send-headline" data-testid="send-headline">
          {summary.headline}
        </p>
        {summary.held.length > 0 && (
          <ul className="send-held" aria-label="Held back by your messaging rules">
            {summary.held.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="send-actions">
        <button ref={cancel} type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy || (!allowNobody && preview.members === 0)}>
          {busy ? (allowNobody ? 'Working…' : 'Sending…') : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
