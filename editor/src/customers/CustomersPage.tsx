/** Finding a customer by name, email or your own id, to see what they got and why. */
import { useEffect, useId, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api';
import { formatTime } from '../shell/format';
import { usePaged } from '../shell/use-paged';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import './customers.css';
import { LoadMore } from '../shell/LoadMore';
import { AddCustomer } from './AddCustomer';

/** `value`, once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function CustomersPage() {
  const [text, setText] = useState('');
  const [adding, setAdding] = useState(false);
  const q = useDebounced(text.trim(), 300);
  const searchId = useId();
  const customers = usePaged(
    (cursor, limit) => call(api.v1.customers.$get({ query: { q: q || undefined, limit: String(limit), cursor } })),
    [q],
    { pageSize: 50 },
  );
  const items = customers.items;

  return (
    <div className="customers">
      <PageHeader title="Customers">
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add customer
          </button>
        )}
      </PageHeader>
      {adding && (
        <AddCustomer
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            customers.reload();
          }}
        />
      )}
      <form className="customer-search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={searchId}>Find a customer</label>
        <input
          id={searchId}
          type="search"
          value={text}
          placeholder="Name, email or your customer id"
          autoFocus
          onChange={(e) => setText(e.target.value)}
        />
        <span className="field-hint">Open a customer to see every message they got, and why they did not get one.</span>
      </form>
      <ErrorNote error={customers.error} />
      {items && items.length === 0 ? (
        <EmptyState title={q ? `Nobody matches “${q}”` : 'No customers yet'}>
          <p>
            {q
              ? 'Check the spelling, or try the email address or your own customer id.'
              : 'Customers join from the QR poster on your counter (see Cards), or add one here.'}
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll" aria-busy={customers.loading || q !== text.trim()}>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Your id</th>
                <th scope="col" className="num">Stamps</th>
                <th scope="col">Email consent</th>
                <th scope="col">Last visit</th>
              </tr>
            </thead>
            <tbody>
              {!items && (
                <tr>
                  <td colSpan={6} className="hint">
                    Loading customers…
                  </td>
                </tr>
              )}
              {items?.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/customers/${c.id}`}>{c.name || c.email || c.externalId}</Link>
                  </td>
                  <td>{c.email ?? <span className="hint">none</span>}</td>
                  <td>
                    <code>{c.externalId}</code>
                  </td>
                  <td className="num">{c.stamps}</td>
                  <td>{c.emailConsent ? 'Yes' : <span className="hint">No</span>}</td>
                  <td className="nowrap">{c.lastVisitAt ? formatTime(c.lastVisitAt) : <span className="hint">never</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={customers} />
    </div>
  );
}
