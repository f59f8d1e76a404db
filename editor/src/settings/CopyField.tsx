/** A secret or link shown read-only with a Copy button (the field selects itself when clipboard access is refused). */
import { useId, useRef, useState } from 'react';

export function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState<'yes' | 'select'>();
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('select');
    }
    window.setTimeout(() => setCopied(undefined), 2500);
  }

  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} ref={input} readOnly value={value} onFocus={(e) => e.target.select()} spellCheck={false} />
        <button type="button" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied ✓' : 'Copy'}
        </button>
      </div>
      <span className="field-hint" aria-live="polite">
        {copied === 'select' ? 'Selected — press Ctrl+C (⌘C on a Mac) to copy.' : ''}
      </span>
    </div>
  );
}
