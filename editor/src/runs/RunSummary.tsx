/** The run's header: which flow, its state, when it ran, and the totals. */
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call, messageOf } from '../api';
import { ErrorNote, PageHeader } from '../shell/Layout';
import { ConfirmButton } from '../shell/ConfirmButton';
import { formatDuration, formatTime } from '../shell/format';
import type { RunReport } from './types';
import { isLive, sourceLabel } from './words';

const TOTALS = [
  { name: 'members', label: 'Customers in the run', hint: 'everyone who entered the flow' },
  { name: 'sent', label: 'Sent', hint: 'messages that went out' },
  { name: 'failed', label: 'Failed', hint: 'messages that could not be sent' },
  { name: 'skipped', label: 'Skipped', hint: 'not sent, e.g. no consent or no pass' },
  { name: 'suppressed', label: 'Blocked', hint: 'addresses on the do-not-mail list' },
  { name: 'waiting', label: 'Waiting now', hint: 'customers sitting in a wait step' },
] as const;

type TotalName = (typeof TOTALS)[number]['name'];

function totalsOf(run: RunReport): Record<TotalName, number> {
  const waiting = Object.values(run.steps).reduce((sum, s) => sum + (s.waiting ?? 0), 0);
  return {
    members: run.counts.members,
    sent: run.counts.sent,
    failed: run.counts.failed,
    skipped: run.counts.skipped,
    suppressed: run.counts.suppressed,
    waiting,
  };
}

export function RunSummary({ run, onChanged }: { run: RunReport; onChanged: () => void }) {
  const [cancelError, setCancelError] = useState<string>();
  const live = isLive(run.status);
  const totals = totalsOf(run);
  const finished = run.finishedAt ? new Date(run.finishedAt).getTime() : undefined;
  const took = finished !== undefined ? finished - new Date(run.startedAt).getTime() : undefined;

  async function cancel() {
    setCancelError(undefined);
    try {
      await call(api.v1.runs[':id'].cancel.$post({ param: { id: run.id } }));
      onChanged();
    } catch (err) {
      setCancelError(messageOf(err));
    }
  }

  return (
    <section className="run-summary" aria-label="Run summary">
      <PageHeader
        title={
          <span className="run-title">
            <Link href={`/flows/${run.flowId}`}>{run.flowName}</Link>
            <span className={`status status-${run.status}`} data-testid="run-status">
              {run.status}
            </span>
          </span>
        }
      >
        <Link href={`/flows/${run.flowId}/runs`} className="button">
          Every time it ran
        </Link>
        {live && (
          <ConfirmButton question="Stop this run? Messages not sent yet will not go out." confirmLabel="Yes, cancel the run" onConfirm={cancel}>
            Cancel run
          </ConfirmButton>
        )}
      </PageHeader>
      <ErrorNote error={cancelError} />
      <dl className="run-meta">
        <div>
          <dt>Started by</dt>
          <dd>{sourceLabel(run.source)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTime(run.createdAt, true)}</dd>
        </div>
        {run.sendAt && (
          <div>
            <dt>Sends at</dt>
            <dd>{formatTime(run.sendAt)}</dd>
          </div>
        )}
        <div>
          <dt>Started</dt>
          <dd>{run.status === 'scheduled' ? 'not yet' : formatTime(run.startedAt, true)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>
            {run.finishedAt ? formatTime(run.finishedAt, true) : live ? 'still running' : '—'}
            {took !== undefined && took >= 0 && <span className="hint"> (took {formatDuration(took)})</span>}
          </dd>
        </div>
      </dl>
      {run.error && <p className="form-error" role="alert">This run failed: {run.error}</p>}
      <details className="technical">
        <summary>Technical details</summary>
        <dl className="run-meta">
          <div>
            <dt>Flow version</dt>
            <dd>{run.version}</dd>
          </div>
          <div>
            <dt>Workflow</dt>
            <dd>
              <code>{run.workflowId}</code>
              {run.temporalUrl && (
                <>
                  {' '}
                  <a href={run.temporalUrl} target="_blank" rel="noreferrer">
                    Open in Temporal UI ↗
                  </a>
                </>
              )}
            </dd>
          </div>
        </dl>
      </details>
      <ul className="run-totals" aria-label="Totals">
        {TOTALS.map((t) => (
          <li key={t.name} className={`run-total run-total-${t.name}`} title={t.hint}>
            {/* Plain digits (no separators), so the number reads the same to people and tests. */}
            <span className="run-total-value" data-testid={`run-count-${t.name}`}>
              {totals[t.name]}
            </span>
            <span className="run-total-label">{t.label}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
