/** "Saving…", "Saved" or "Save failed: <reason>" with a retry, for the draft's autosave. */
import type { SaveStatus } from './use-autosave';

export function SaveIndicator({ status, onRetry }: { status: SaveStatus; onRetry: () => void }) {
  const text =
    status.state === 'saved'
      ? 'Saved'
      : status.state === 'saving'
        ? 'Saving…'
        : status.state === 'pending'
          ? 'Unsaved changes'
          : `Save failed: ${status.error}`;
  return (
    <span
      className={`save-status save-${status.state}`}
      data-testid="save-status"
      data-state={status.state}
      role="status"
      title={text}
    >
      <span className="save-text">{text}</span>
      {status.state === 'failed' && (
        <button type="button" className="link-button" onClick={onRetry}>
          Retry
        </button>
      )}
    </span>
  );
}
