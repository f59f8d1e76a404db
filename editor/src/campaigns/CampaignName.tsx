/** A campaign's name, renamed in place: press it (or Enter) to edit, Enter saves, Escape cancels. */
import { useEffect, useRef, useState } from 'react';
import { api, call, messageOf } from '../api';

export function CampaignName({ id, name }: { id: string; name: string }) {
  const [saved, setSaved] = useState<string>();
  const [draft, setDraft] = useState<string>();
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  /** Set by Escape, so the blur that follows does not save. */
  const cancelled = useRef(false);
  const shown = saved ?? name;
  const editing = draft !== undefined;

  useEffect(() => {
    if (editing) {
      cancelled.current = false;
      input.current?.select();
    } else if (wasEditing.current) {
      button.current?.focus();
    }
    wasEditing.current = editing;
  }, [editing]);

  async function save() {
    if (draft === undefined || busyRef.current || cancelled.current) return;
    const next = draft.trim();
    if (!next || next === shown) {
      setDraft(undefined);
      return;
    }
    busyRef.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await call(api.v1.campaigns[':id'].$patch({ param: { id }, json: { name: next } }));
      setSaved(next);
      setDraft(undefined);
    } catch (err) {
      setError(messageOf(err));
      input.current?.focus();
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  if (!editing) {
    return (
      <button ref={button} type="button" className="campaign-name" title="Rename" onClick={() => setDraft(shown)}>
        <span>{shown}</span>
        <span className="campaign-name-pen" aria-hidden="true">
          ✎
        </span>
        <span className="visually-hidden">(rename)</span>
      </button>
    );
  }
  return (
    <div className="campaign-name-edit">
      <input
        ref={input}
        aria-label="Campaign name"
        value={draft}
        maxLength={200}
        readOnly={busy}
        aria-busy={busy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
          if (e.key === 'Escape') {
            cancelled.current = true;
            setDraft(undefined);
            setError(undefined);
          }
        }}
        onBlur={() => void save()}
      />
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
