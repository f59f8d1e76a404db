/** The editor's top row: name, status, save state, undo/redo/layout, and the flow's actions. */
import { memo } from 'react';
import { Link } from 'wouter';
import { SaveIndicator } from './SaveIndicator';
import type { UnpublishedWords } from './unpublished-words';
import type { SaveStatus } from './use-autosave';
import type { FlowAction, Lifecycle } from './use-flow-lifecycle';

export interface FlowEditorHeaderProps {
  readonly name: string;
  readonly onName: (name: string) => void;
  readonly status: string;
  readonly save: SaveStatus;
  readonly onRetrySave: () => void;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onLayout: () => void;
  readonly errorCount: number;
  /** Broadcasts and schedules can be started by hand once published. */
  readonly canRunNow: boolean;
  readonly lifecycle: Lifecycle;
  readonly onTogglePanel: () => void;
  /** What the draft changes against the live version; undefined when it changes nothing. */
  readonly changes: UnpublishedWords | undefined;
}

/** The flow's status as the owner says it. */
const STATUS_WORDS: Record<string, string> = { draft: 'draft', active: 'live', paused: 'paused', archived: 'archived' };

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';

/** Memoised: a drag re-renders the editor on every frame, and nothing here moves with it. */
export const FlowEditorHeader = memo(function FlowEditorHeader(props: FlowEditorHeaderProps) {
  const { name, onName, status, save, lifecycle, errorCount } = props;
  const { busy, run } = lifecycle;
  const archived = status === 'archived';
  const nameInvalid = name.trim() === '';
  const publishBlocked =
    errorCount > 0
      ? `Fix ${errorCount} problem${errorCount === 1 ? '' : 's'} to publish`
      : archived
        ? 'An archived flow cannot be published'
        : undefined;
  const act = (action: FlowAction) => () => void run(action);

  return (
    <header className="flow-editor-bar">
      <div className="flow-editor-title">
        <Link href="/flows" className="back-link" aria-label="Back to flows">
          ←
        </Link>
        <input
          className="flow-name"
          aria-label="Flow name"
          aria-invalid={nameInvalid || undefined}
          title={nameInvalid ? 'A flow needs a name' : undefined}
          value={name}
          maxLength={200}
          onChange={(e) => onName(e.target.value)}
        />
        <span className={`status status-${status}`}>{STATUS_WORDS[status] ?? status}</span>
        {props.changes && (
          <details className="unpublished" data-testid="unpublished-changes">
            <summary>{props.changes.label}</summary>
            <div className="unpublished-body">
              <p>Customers still get version {props.changes.liveVersion} until you publish.</p>
              <ul>
                {props.changes.lines.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </div>
          </details>
        )}
        <SaveIndicator status={save} onRetry={props.onRetrySave} />
      </div>
      <div className="flow-editor-tools" role="toolbar" aria-label="Edit">
        <button type="button" onClick={props.onUndo} disabled={!props.canUndo} title={`Undo (${MOD}Z)`}>
          ↶ Undo
        </button>
        <button type="button" onClick={props.onRedo} disabled={!props.canRedo} title={`Redo (${MOD}Shift+Z)`}>
          ↷ Redo
        </button>
        <button type="button" onClick={props.onLayout} title="Arrange the steps left to right">
          ⇉ Tidy up
        </button>
        <button type="button" className="panel-toggle" onClick={props.onTogglePanel}>
          Panel
        </button>
      </div>
      <div className="flow-editor-actions">
        {lifecycle.notice && (
          <span className="action-notice" role="status">
            {lifecycle.notice}
          </span>
        )}
        {status === 'active' && (
          <button
            type="button"
            onClick={act('pause')}
            disabled={busy !== undefined}
            title="Nobody new enters; who is in the flow continues"
          >
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button type="button" onClick={act('resume')} disabled={busy !== undefined}>
            Resume
          </button>
        )}
        {!archived && (
          <button
            type="button"
            className="danger"
            disabled={busy !== undefined}
            onClick={() => {
              if (window.confirm('Archive this flow? It stops for good and cannot be published again.'))
                void run('archive');
            }}
          >
            Archive
          </button>
        )}
        {props.canRunNow && !archived && (
          <button
            type="button"
            onClick={act('check-run')}
            disabled={busy !== undefined}
            title="See who the published version would reach now, then start it"
          >
            {busy === 'check-run' ? 'Counting…' : '▶ Run now'}
          </button>
        )}
        <span className="publish-wrap" title={publishBlocked}>
          <button
            type="button"
            className="primary"
            onClick={act('publish')}
            disabled={publishBlocked !== undefined || busy !== undefined}
            aria-describedby={publishBlocked ? 'publish-hint' : undefined}
            aria-busy={busy === 'publish'}
          >
            Publish
          </button>
        </span>
        {publishBlocked && (
          <span id="publish-hint" className="sr-only">
            {publishBlocked}
          </span>
        )}
      </div>
      {lifecycle.error && (
        <p className="form-error flow-editor-error" role="alert">
          {lifecycle.error}
        </p>
      )}
    </header>
  );
});
