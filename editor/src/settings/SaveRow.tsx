/**
 * The one save row of a settings section: a button named for what it saves ("Save rules",
 * "Save email footer", …) so two sections never show two rows that read the same, and
 * "Saved." once the section's changes are stored.
 */
import type { ReactNode } from 'react';

export function SaveRow(props: {
  /** The button's words, e.g. "Save rules". */
  readonly label: string;
  readonly busy: boolean;
  readonly disabled: boolean;
  /** Shown after a save until the next change. */
  readonly saved: boolean;
  readonly savedText?: string;
  /** Other buttons of the row, before the save button. */
  readonly children?: ReactNode;
}) {
  return (
    <div className="row save-row">
      {props.children}
      <button type="submit" className="primary" disabled={props.busy || props.disabled}>
        {props.busy ? 'Saving…' : props.label}
      </button>
      {props.saved && (
        <span className="hint" role="status">
          {props.savedText ?? 'Saved.'}
        </span>
      )}
    </div>
  );
}
