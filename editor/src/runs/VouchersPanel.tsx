/** The vouchers a run issued: each code with its customer, searchable by name, email or code. */
import { useEffect, useId, useState } from 'react';
import { Link } from 'wouter';
import type { FlowGraph } from '../../../engine/compiler';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { formatTime, shortId } from '../shell/format';
import { LoadMore } from '../shell/LoadMore';
import { usePaged } from '../shell/use-paged';
import { stepLabel } from './step-labels';

export function VouchersPanel({ runId, graph, live }: { runId: string; graph: FlowGraph | undefined; live: boolean }) {
  const searchId = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  // A search per pause in typing, not per key.
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const vouchers = usePaged(
    (cursor, limit) =>
      call(api.v1.runs[':id'].vouchers.$get({ param: { id: runId }, query: { limit: String(limit), cursor, q: q || undefined } })),
    [runId, q],
    { pageSize: 50, pollMs: live ? 4000 : undefined },
  );
  const items = vouchers.items;
  // No voucher step and nothing issued: nothing to show.
  const voucherSteps = graph?.nodes.filter((n) => n.type === 'voucher').length ?? 0;
  const hasVoucherStep = voucherSteps > 0;
  // With one voucher step, a Step column would say the same on every line.
  const showStep = voucherSteps > 1;
  if (!hasVoucherStep && !q && items?.length === 0) return null;

  return (
    <section className="card run-vouchers" aria-label="Vouchers issued" data-testid="run-vouchers">
      <div className="run-vouchers-head">
        <h2>Vouchers issued</h2>
        <div className="filter-field">
          <label htmlFor={searchId} className="filter-label">
            Find a customer or code
          </label>
          <input id={searchId} type="search" value={text} placeholder="Name, email or code" onChange={(e) => setText(e.target.value)} />
        </div>
      </div>
      <ErrorNote error={vouchers.error} />
      {items && items.length === 0 && <p className="hint">{q ? 'No voucher matches this search.' : 'No voucher issued yet.'}</p>}
      {items && items.length > 0 && (
        <div className="table-scroll" aria-busy={vouchers.loading}>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                {showStep && <th scope="col">Step</th>}
                <th scope="col">Code</th>
                <th scope="col">Valid until</th>
                <th scope="col">Used</th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.code}>
                  <td>
                    <Link href={`/customers/${v.customerId}`}>{v.customerName ?? v.customerEmail ?? shortId(v.customerId)}</Link>
                    {v.customerName && v.customerEmail && <div className="hint">{v.customerEmail}</div>}
                  </td>
                  {showStep && <td>{v.nodeId ? stepLabel(graph, v.nodeId) : v.title}</td>}
                  <td>
                    <code className="voucher-code">{v.code}</code>
                    {!showStep && <div className="hint">{v.title}</div>}
                  </td>
                  <td className="nowrap">{formatTime(v.expiresAt)}</td>
                  <td>{v.redeemedAt ? formatTime(v.redeemedAt) : <span className="hint">not yet</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={vouchers} />
    </section>
  );
}
