/** Every run of one flow, newest first, each leading to its inspector. */
import { Link } from 'wouter';
import { api, call } from '../api';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { formatDuration, formatTime } from '../shell/format';
import { usePaged } from '../shell/use-paged';
import { isLive, sourceLabel } from './words';
import './runs.css';
import { LoadMore } from '../shell/LoadMore';

export function FlowRunsPage({ flowId }: { flowId: string }) {
  const flow = useApi(() => call(api.v1.flows[':id'].$get({ param: { id: flowId } })), [flowId]);
  const runs = usePaged(
    (cursor, limit) => call(api.v1.runs.$get({ query: { flowId, limit: String(limit), cursor } })),
    [flowId],
    { pageSize: 50, pollMs: 5000 },
  );
  const items = runs.items;
  const name = flow.data?.name;

  return (
    <div className="flow-runs">
      <PageHeader title={name ? `Runs of “${name}”` : 'Runs'}>
        <Link href={`/flows/${flowId}`} className="button">
          Back to the flow
        </Link>
      </PageHeader>
      <ErrorNote error={flow.error} />
      <ErrorNote error={runs.error} />
      {items && items.length === 0 ? (
        <EmptyState title="This flow has not run yet">
          <p>Publish the flow and start it (or wait for its schedule or first event); each run appears here with what it sent.</p>
          <p>
            <Link href={`/flows/${flowId}`}>Open the flow</Link>
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll" aria-busy={runs.loading}>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Started by</th>
                <th scope="col" className="num">Customers</th>
                <th scope="col" className="num">Sent</th>
                <th scope="col" className="num">Failed</th>
                <th scope="col" className="num">Skipped</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {!items && (
                <tr>
                  <td colSpan={8} className="hint">
                    Loading runs…
                  </td>
                </tr>
              )}
              {items?.map((run) => {
                const took = run.finishedAt ? new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime() : undefined;
                return (
                  <tr key={run.id}>
                    <td>
                      <Link href={`/runs/${run.id}`}>{formatTime(run.createdAt)}</Link>
                      <div className="hint">
                        version {run.version}
                        {run.sendAt && run.status === 'scheduled' && ` · sends ${formatTime(run.sendAt)}`}
                      </div>
                    </td>
                    <td>
                      <span className={`status status-${run.status}`}>{run.status}</span>
                    </td>
                    <td>{sourceLabel(run.source)}</td>
                    <td className="num">{run.counts.members}</td>
                    <td className="num">{run.counts.sent}</td>
                    <td className="num">{run.counts.failed}</td>
                    <td className="num">{run.counts.skipped}</td>
                    <td className="nowrap">{took !== undefined ? formatDuration(took) : isLive(run.status) ? 'running…' : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={runs} />
    </div>
  );
}
