/** `/flows`: every flow with its trigger, status, published version, last run and recent sends. */
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api, call, messageOf, type Ok } from '../api';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { dateTime, relativeTime } from './format';
import './flows.css';
import { FlowCameBackCell } from '../results/CameBackCell';
import { HeldBackList } from '../sending/HeldBackList';

type FlowPage = Ok<Awaited<ReturnType<typeof api.v1.flows.$get>>>;
type FlowItem = FlowPage['items'][number];

const dash = '—';

function FlowRow({ flow }: { flow: FlowItem }) {
  const published = flow.publishedVersion ?? flow.latestVersion;
  return (
    <tr>
      <td>
        <Link href={`/flows/${flow.id}`} className="flow-link">
          {flow.name}
        </Link>
      </td>
      <td>{flow.trigger?.summary ?? dash}</td>
      <td>
        <span className={`status status-${flow.status}`}>{flow.status}</span>
      </td>
      <td className="num">{published != null ? `v${published}` : dash}</td>
      <td>
        {flow.lastRun ? (
          <Link href={`/runs/${flow.lastRun.id}`} title={dateTime(flow.lastRun.createdAt)}>
            {relativeTime(flow.lastRun.createdAt)}
          </Link>
        ) : (
          dash
        )}
        {flow.lastRun && (
          <span className={`status status-${flow.lastRun.status} run-status`}>{flow.lastRun.status}</span>
        )}
      </td>
      <td className="num">{typeof flow.sent30d === 'number' ? flow.sent30d.toLocaleString() : dash}</td>
      <FlowCameBackCell flowId={flow.id} />
      <td>
        <Link href={`/flows/${flow.id}/runs`}>Runs</Link>
      </td>
    </tr>
  );
}

export function FlowsPage() {
  const first = useApi(() => call(api.v1.flows.$get({ query: {} })), []);
  const [more, setMore] = useState<FlowItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    if (!first.data) return;
    setMore([]);
    setCursor(first.data.nextCursor ?? null);
  }, [first.data]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const next = await call(api.v1.flows.$get({ query: { cursor } }));
      setMore((items) => [...items, ...next.items]);
      setCursor(next.nextCursor ?? null);
    } catch (err) {
      setMoreError(messageOf(err));
    } finally {
      setLoadingMore(false);
    }
  }

  const items = [...(first.data?.items ?? []), ...more];
  return (
    <div className="flows-page">
      <PageHeader title="Flows">
        <Link href="/flows/new" className="button primary">
          + New flow
        </Link>
      </PageHeader>
      <ErrorNote error={first.error} />
      <HeldBackList items={first.data ? items : undefined} href={(id) => `/flows/${id}`} />
      {first.data && items.length === 0 ? (
        <EmptyState title="No flows yet">
          <p>
            A flow sends the right message at the right moment: a birthday treat, a nudge after a month away, a welcome.
          </p>
          <p>
            <Link href="/flows/new" className="button primary">
              Create your first flow
            </Link>
          </p>
        </EmptyState>
      ) : (
        <table className="list" aria-busy={first.loading}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Trigger</th>
              <th>Status</th>
              <th className="num">Published</th>
              <th>Last run</th>
              <th className="num">Sent (30 days)</th>
              <th className="num">Came back (30 days)</th>
              <th>
                <span className="sr-only">Runs</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((flow) => (
              <FlowRow key={flow.id} flow={flow} />
            ))}
            {!first.data &&
              !first.error &&
              [0, 1, 2].map((i) => (
                <tr key={i} className="skeleton-row" aria-hidden="true">
                  <td colSpan={8}>&nbsp;</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={moreError} />
      {cursor && (
        <p className="load-more">
          <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Show more'}
          </button>
        </p>
      )}
    </div>
  );
}
