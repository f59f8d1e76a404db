/** Who got what in a run: filters, the deliveries table and "Load more". */
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { FlowGraph } from '../../../engine/compiler';
import { api, call } from '../api';
import { EmptyState, ErrorNote } from '../shell/Layout';
import { CustomerFilter, type ChosenCustomer } from './CustomerFilter';
import { formatClock, formatTime, shortId } from '../shell/format';
import { stepLabel } from './step-labels';
import { usePaged } from '../shell/use-paged';
import { channelLabel, reasonText } from './words';
import { LoadMore } from '../shell/LoadMore';

export const DELIVERY_STATUSES = ['sent', 'delivered', 'bounced', 'complained', 'failed', 'skipped', 'suppressed', 'sending'] as const;
type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
type Channel = 'push' | 'email';

export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  channel?: Channel | undefined;
  nodeId?: string | undefined;
  customer?: ChosenCustomer | undefined;
}

const STATUS_WORDS: Record<DeliveryStatus, string> = {
  sent: 'Sent',
  delivered: 'Delivered (the mailbox accepted it)',
  bounced: 'Bounced',
  complained: 'Marked as spam',
  failed: 'Failed',
  skipped: 'Skipped',
  suppressed: 'Blocked (do-not-mail list)',
  sending: 'Sending now',
};

export function DeliveriesPanel({
  runId,
  graph,
  nodeIds,
  filter,
  onFilter,
  live,
  runStatus,
}: {
  runId: string;
  graph: FlowGraph | undefined;
  nodeIds: readonly string[];
  filter: DeliveryFilter;
  onFilter: (f: DeliveryFilter) => void;
  live: boolean;
  runStatus: string;
}) {
  const ids = { status: useId(), channel: useId(), node: useId() };
  const deliveries = usePaged(
    (cursor, limit) =>
      call(
        api.v1.runs[':id'].deliveries.$get({
          param: { id: runId },
          query: {
            limit: String(limit),
            cursor,
            status: filter.status,
            channel: filter.channel,
            nodeId: filter.nodeId,
            customerId: filter.customer?.id,
          },
        }),
      ),
    [runId, filter.status, filter.channel, filter.nodeId, filter.customer?.id],
    { pageSize: 50, pollMs: live ? 2000 : undefined },
  );
  const { reload } = deliveries;
  // One last refresh when the run ends, so the table shows its final state.
  const seenStatus = useRef(runStatus);
  useEffect(() => {
    if (seenStatus.current === runStatus) return;
    seenStatus.current = runStatus;
    reload();
  }, [runStatus, reload]);

  /** Message ids and tries: for whoever debugs a delivery with the provider, off by default. */
  const [technical, setTechnical] = useState(false);
  const filtered = Boolean(filter.status ?? filter.channel ?? filter.nodeId ?? filter.customer);
  const items = deliveries.items;

  return (
    <section aria-label="Deliveries" className="deliveries">
      <div className="filters" role="group" aria-label="Filter deliveries">
        <div className="filter-field">
          <label htmlFor={ids.status} className="filter-label">
            Status
          </label>
          <select
            id={ids.status}
            value={filter.status ?? ''}
            onChange={(e) =>
              onFilter({ ...filter, status: (e.target.value || undefined) as DeliveryStatus | undefined })
            }
          >
            <option value="">Any status</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor={ids.channel} className="filter-label">
            Channel
          </label>
          <select
            id={ids.channel}
            value={filter.channel ?? ''}
            onChange={(e) => onFilter({ ...filter, channel: (e.target.value || undefined) as Channel | undefined })}
          >
            <option value="">Push and email</option>
            <option value="push">Wallet push</option>
            <option value="email">Email</option>
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor={ids.node} className="filter-label">
            Step
          </label>
          <select
            id={ids.node}
            value={filter.nodeId ?? ''}
            onChange={(e) => onFilter({ ...filter, nodeId: e.target.value || undefined })}
          >
            <option value="">Every step</option>
            {nodeIds.map((nodeId) => (
              <option key={nodeId} value={nodeId}>
                {stepLabel(graph, nodeId)}
              </option>
            ))}
          </select>
        </div>
        <CustomerFilter value={filter.customer} onChange={(customer) => onFilter({ ...filter, customer })} />
        <label className="inline technical-toggle">
          <input type="checkbox" checked={technical} onChange={(e) => setTechnical(e.target.checked)} /> Technical details
        </label>
        {filtered && (
          <button type="button" className="link-button clear-filters" onClick={() => onFilter({})}>
            Clear filters
          </button>
        )}
      </div>

      <ErrorNote error={deliveries.error} />
      {items && items.length === 0 ? (
        <EmptyState
          title={filtered ? 'No deliveries match these filters' : live ? 'No deliveries yet' : 'This run sent nothing'}
        >
          <p>
            {filtered
              ? 'Try another status, channel, step or customer.'
              : live
                ? 'Deliveries appear here as the run reaches its message steps.'
                : 'Nobody got a message. “Who got nothing, and why” above counts the reasons; the customer page explains each customer.'}
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll" aria-busy={deliveries.loading}>
          <table className="list deliveries-table">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Step</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col">Why</th>
                {technical && <th scope="col">Message id</th>}
                {technical && (
                  <th scope="col" className="num">
                    Attempts
                  </th>
                )}
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
              {!items && (
                <tr>
                  <td colSpan={technical ? 8 : 6} className="hint">
                    Loading deliveries…
                  </td>
                </tr>
              )}
              {items?.map((d) => (
                <tr key={`${d.customerId}/${d.nodeId}/${d.channel}`}>
                  <td>
                    <Link href={`/customers/${d.customerId}`}>
                      {d.customerName ?? d.customerEmail ?? shortId(d.customerId)}
                    </Link>
                    {d.customerName && d.customerEmail && <div className="hint">{d.customerEmail}</div>}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-button step-link"
                      title="Show only this step"
                      onClick={() => onFilter({ ...filter, nodeId: d.nodeId })}
                    >
                      {stepLabel(graph, d.nodeId)}
                    </button>
                    {d.subject && (
                      <div className="hint delivery-subject" title="The subject as sent">
                        “{d.subject}”
                      </div>
                    )}
                  </td>
                  <td>{channelLabel(d.channel)}</td>
                  <td>
                    <span className={`status status-${d.status}`}>{STATUS_WORDS[d.status as keyof typeof STATUS_WORDS] ?? d.status}</span>
                  </td>
                  <td className="reason" title={d.reason ?? undefined}>
                    {reasonText(d.reason) || (!d.providerEvent && <span className="hint">—</span>)}
                    {d.providerEvent && (
                      <div className="provider-event" title={d.providerEvent.at}>
                        {d.providerEvent.description}
                      </div>
                    )}
                    {d.devices && d.devices.length > 0 && (
                      <ul className="devices" aria-label="Devices">
                        {d.devices.map((device) => (
                          <li key={`${device.platform}/${device.device}`}>
                            {device.platform === 'apple' ? 'Apple' : 'Google'}{' '}
                            <code title={device.device}>{device.device.slice(0, 12)}</code>{' '}
                            <span className={`status status-${device.status === 'sent' ? 'sent' : 'failed'}`}>
                              {device.status}
                            </span>{' '}
                            {device.answer}
                            {device.attempts > 1 ? ` · ${device.attempts} tries` : ''}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  {technical && (
                    <td>
                      {d.providerMessageId ? (
                        <code className="message-id" title={d.providerMessageId}>
                          {d.providerMessageId}
                        </code>
                      ) : (
                        <span className="hint">—</span>
                      )}
                    </td>
                  )}
                  {technical && <td className={d.attempts > 1 ? 'num attempts-retried' : 'num'}>{d.attempts}</td>}
                  <td className="nowrap">
                    {formatTime(d.at, true)}
                    {d.heldUntil && (
                      <div className="hint delivery-held">held until {formatClock(d.heldUntil)} by quiet hours</div>
                    )}
                    {!technical && d.attempts > 1 && <div className="hint">on try {d.attempts}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={deliveries} />
    </section>
  );
}
