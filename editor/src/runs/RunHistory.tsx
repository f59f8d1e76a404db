/**
 * What the run did, as a readable timeline (`readableTimeline`): when, which step, retries
 * and failures in words. The raw Temporal events, the workflow id and the link to the
 * Temporal UI are for whoever debugs deliveries, behind "Technical details".
 */
import { useMemo, useState } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { displayTimeZone, formatDuration, formatTime } from '../shell/format';
import type { FlowGraph } from '../../../engine/compiler';
import type { HistoryEvent } from './types';
import { stepLabel } from './step-labels';
import { readableTimeline } from './timeline';

const CATEGORIES = {
  workflow: { icon: '⚙', label: 'Workflow' },
  activity: { icon: '▶', label: 'Activity' },
  timer: { icon: '◷', label: 'Timer' },
  signal: { icon: '✉', label: 'Signal' },
  continue_as_new: { icon: '↻', label: 'Continued' },
  other: { icon: '•', label: 'Other' },
} as const satisfies Record<string, { icon: string; label: string }>;

type Category = keyof typeof CATEGORIES;
const categoryOf = (c: string): Category => (c in CATEGORIES ? (c as Category) : 'other');

/** A failure as text, whether the API gives a message or a Temporal failure object. */
export function failureText(failure: unknown): string | undefined {
  if (failure === undefined || failure === null || failure === '') return undefined;
  if (typeof failure === 'string') return failure;
  if (typeof failure === 'object') {
    const f = failure as { message?: unknown; type?: unknown; cause?: unknown };
    const own = typeof f.message === 'string' ? f.message : JSON.stringify(failure);
    const cause = failureText(f.cause);
    return cause && cause !== own ? `${own} — caused by: ${cause}` : own;
  }
  return String(failure);
}

const countOf = (runs: unknown): number | undefined => (Array.isArray(runs) ? runs.length : typeof runs === 'number' ? runs : undefined);

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleTimeString([], { timeZone: displayTimeZone(), hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
}

function EventRow({ event, start, chained }: { event: HistoryEvent; start: number; chained: boolean }) {
  const category = categoryOf(event.category);
  const failure = failureText(event.failure);
  const offset = new Date(event.time).getTime() - start;
  const retried = typeof event.attempt === 'number' && event.attempt > 1;
  return (
    <li className={`history-event history-${category}${failure ? ' history-failed' : ''}`}>
      <time dateTime={event.time} className="history-time" title={formatTime(event.time, true)}>
        {clock(event.time)}
        {Number.isFinite(offset) && offset > 0 && <span className="hint"> +{formatDuration(offset)}</span>}
      </time>
      <span className="history-category">
        <span aria-hidden="true">{CATEGORIES[category].icon}</span> {CATEGORIES[category].label}
      </span>
      <div className="history-body">
        <div className="history-summary">{event.summary}</div>
        <div className="history-details">
          {event.activityType && <span className="tag">{event.activityType}</span>}
          {typeof event.attempt === 'number' && <span className={retried ? 'tag tag-warn' : 'tag'}>attempt {event.attempt}</span>}
          {typeof event.timerMs === 'number' && <span className="tag">waits {formatDuration(event.timerMs)}</span>}
          {event.signalName && <span className="tag">signal {event.signalName}</span>}
          <span className="hint">
            {chained && `run ${event.run} · `}#{event.id} {event.type}
          </span>
        </div>
        {failure && (
          <p className="history-failure" role="note">
            {failure}
          </p>
        )}
      </div>
    </li>
  );
}

export function RunHistory({ runId, live, graph }: { runId: string; live: boolean; graph: FlowGraph | undefined }) {
  const history = useApi(() => call(api.v1.runs[':id'].history.$get({ param: { id: runId } })), [runId], { pollMs: live ? 4000 : undefined });
  const [onlyProblems, setOnlyProblems] = useState(false);
  const data = history.data;
  const events = useMemo(
    () => (data?.events ?? []).filter((e) => !onlyProblems || failureText(e.failure) || (typeof e.attempt === 'number' && e.attempt > 1)),
    [data, onlyProblems],
  );
  const timeline = useMemo(
    () => readableTimeline(data?.events ?? [], (nodeId) => stepLabel(graph, nodeId), failureText),
    [data, graph],
  );
  const start = data?.events[0] ? new Date(data.events[0].time).getTime() : 0;
  const runs = countOf(data?.runs);

  return (
    <section aria-label="What the run did" className="history" aria-busy={history.loading}>
      <ErrorNote error={history.error} />
      {!data && !history.error && <p className="hint">Loading what the run did…</p>}
      {data && (
        <>
          {timeline.length === 0 ? (
            <p className="hint">Nothing has happened yet.</p>
          ) : (
            <ol className="timeline-list" aria-label="Timeline">
              {timeline.map((item) => (
                <li key={item.key} className={item.problem ? 'timeline-problem' : undefined}>
                  <time dateTime={item.time} title={formatTime(item.time, true)}>
                    {clock(item.time).slice(0, 8)}
                  </time>{' '}
                  {item.text}
                </li>
              ))}
            </ol>
          )}
          <details className="technical">
            <summary>Technical details</summary>
            <div className="history-head">
              <div>
                Workflow id <code className="workflow-id">{data.workflowId}</code>
                {runs !== undefined && runs > 1 && <span className="hint"> · {runs} Temporal runs (continued as new)</span>}
              </div>
              <label className="inline">
                <input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} />
                Only failures and retries
              </label>
              {data.temporalUrl && (
                <a href={data.temporalUrl} target="_blank" rel="noreferrer">
                  Open in Temporal UI ↗
                </a>
              )}
            </div>
            {data.truncated && (
              <p className="hint">Showing the first {data.events.length} events; the Temporal UI has the rest.</p>
            )}
            {events.length === 0 ? (
              <p className="hint">{onlyProblems ? 'No failures or retries in this history.' : 'No events yet.'}</p>
            ) : (
              <ol className="history-list">
                {events.map((e) => (
                  <EventRow key={`${e.run}-${e.id}`} event={e} start={start} chained={(runs ?? 1) > 1} />
                ))}
              </ol>
            )}
          </details>
        </>
      )}
    </section>
  );
}
