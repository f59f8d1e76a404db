/** A customer's journey through each run: when they entered, every step, every delivery. */
import { Link } from 'wouter';
import { formatTime } from '../shell/format';
import { channelLabel, reasonText, stepKindLabel } from '../runs/words';
import type { RunOutcome } from './OutcomeList';

export interface TimelineItem {
  readonly at: string;
  readonly kind: string;
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string;
  readonly nodeId?: string | null;
  readonly nodeKind?: string | null;
  readonly title: string;
  readonly channel?: string | null;
  readonly status?: string | null;
  readonly reason?: string | null;
  readonly providerMessageId?: string | null;
  readonly attempts?: number | null;
}

const KIND_ICONS: Record<string, string> = { entered: '→', step: '•', delivery: '✉', left: '←', waiting: '⏳', came_back: '★' };

function kindLabel(item: TimelineItem): string {
  switch (item.kind) {
    case 'entered':
      return 'Entered';
    case 'left':
      return 'Left';
    case 'waiting':
      return 'Waiting';
    case 'came_back':
      return 'Result';
    case 'delivery':
      return item.channel ? channelLabel(item.channel) : 'Message';
    default:
      return stepKindLabel(item.nodeKind ?? undefined);
  }
}

/** The items of each run, runs in the order given (newest first), items oldest first. */
function byRun(items: readonly TimelineItem[], runs: readonly RunOutcome[]) {
  const groups = new Map<string, TimelineItem[]>(runs.map((r) => [r.runId, []]));
  for (const item of items) {
    const list = groups.get(item.runId);
    if (list) list.push(item);
    else groups.set(item.runId, [item]);
  }
  for (const list of groups.values()) list.sort((a, b) => a.at.localeCompare(b.at));
  return [...groups.entries()].filter(([, list]) => list.length > 0);
}

export function CustomerTimeline({ items, runs }: { items: readonly TimelineItem[]; runs: readonly RunOutcome[] }) {
  const groups = byRun(items, runs);
  if (groups.length === 0) return <p className="hint">Nothing has happened to this customer in any flow yet.</p>;
  return (
    <div className="timeline">
      {groups.map(([runId, list]) => {
        const first = list[0];
        return (
          <section key={runId} id={`timeline-${runId}`} className="timeline-run card" aria-label={`In ${first?.flowName ?? 'a run'}`}>
            <h3>
              <Link href={`/runs/${runId}`}>{first?.flowName ?? 'Run'}</Link>
            </h3>
            <ol className="timeline-list">
              {list.map((item, i) => (
                <li key={`${item.at}-${item.kind}-${item.nodeId ?? ''}-${item.channel ?? ''}-${i}`} className={`timeline-item timeline-${item.kind}`}>
                  <time dateTime={item.at} className="timeline-time">
                    {formatTime(item.at, true)}
                  </time>
                  <span className="timeline-kind">
                    <span aria-hidden="true">{KIND_ICONS[item.kind] ?? '•'}</span> {kindLabel(item)}
                  </span>
                  <div className="timeline-body">
                    <div>
                      {item.title}
                      {item.status && <span className={`status status-${item.status} timeline-status`}>{item.status}</span>}
                    </div>
                    {item.reason && (
                      <div className="timeline-details hint">
                        <span>{reasonText(item.reason)}</span>
                      </div>
                    )}
                    {(item.providerMessageId || (item.attempts ?? 0) > 1) && (
                      <details className="technical">
                        <summary>Technical details</summary>
                        <div className="timeline-details hint">
                          {item.providerMessageId && (
                            <span>
                              message id <code>{item.providerMessageId}</code>
                            </span>
                          )}
                          {(item.attempts ?? 0) > 0 && <span className={(item.attempts ?? 0) > 1 ? 'attempts-retried' : undefined}>{item.attempts === 1 ? '1 attempt' : `${item.attempts} attempts`}</span>}
                        </div>
                      </details>
                    )}
                  </div>
                </li>
              ))}
            </ol>
          </section>
        );
      })}
    </div>
  );
}
