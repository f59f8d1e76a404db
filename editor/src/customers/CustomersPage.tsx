/**
 * Finding a customer by name, email or your own id, to see what they got and why; narrowing
 * the list by card, email consent, last visit and birthday month; adding one or importing a
 * CSV list.
 */
import { useEffect, useId, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api';
import { formatTime } from '../shell/format';
import { usePaged } from '../shell/use-paged';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import './customers.css';
import { LoadMore } from '../shell/LoadMore';
import { useApi } from '../shell/use-api';
import { AddCustomer } from './AddCustomer';
import { ImportCustomers } from './ImportCustomers';
import { MONTHS, formatBirthday } from './birthday';

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
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<string>();
  const [cardId, setCardId] = useState('');
  const [consent, setConsent] = useState('');
  const [notSeen, setNotSeen] = useState('');
  const [month, setMonth] = useState('');
  const q = useDebounced(text.trim(), 300);
  const searchId = useId();
  const cards = useApi(() => call(api.v1.cards.$get()), []);
  const filters = {
    ...(cardId ? { cardId } : {}),
    ...(consent ? { consent: consent as 'granted' } : {}),
    ...(notSeen ? { notSeenForDays: notSeen } : {}),
    ...(month ? { birthdayMonth: month } : {}),
  };
  const filtered = Object.keys(filters).length > 0;
  const customers = usePaged(
    (cursor, limit) => call(api.v1.customers.$get({ query: { q: q || undefined, limit: String(limit), cursor, ...filters } })),
    [q, cardId, consent, notSeen, month],
    { pageSize: 50 },
  );
  const items = customers.items;
  const cardName = (id: string) => cards.data?.items.find((c) => c.id === id)?.name;

  return (
    <div className="customers">
      <PageHeader title="Customers">
        {!adding && !importing && (
          <>
            <button type="button" onClick={() => setImporting(true)}>
              Import CSV
            </button>
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              Add customer
            </button>
          </>
        )}
      </PageHeader>
      {importing && (
        <ImportCustomers
          onCancel={() => setImporting(false)}
          onDone={(done) => {
            setImporting(false);
            setImported(
              `Imported: ${done.created} new, ${done.updated} updated` +
                (done.errors.length > 0 ? `; ${done.errors.length} lines with problems were left out.` : '.'),
            );
            customers.reload();
          }}
        />
      )}
      {imported && (
        <p role="status" className="notice">
          {imported}
        </p>
      )}
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
      <fieldset className="customer-filters">
        <legend>Show only</legend>
        {(cards.data?.items.length ?? 0) > 1 && (
          <label>
            Card
            <select value={cardId} onChange={(e) => setCardId(e.target.value)}>
              <option value="">Every card</option>
              {cards.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Email consent
          <select value={consent} onChange={(e) => setConsent(e.target.value)}>
            <option value="">Anyone</option>
            <option value="granted">Agreed to emails</option>
            <option value="withdrawn">Not agreed</option>
            <option value="unsubscribed">Unsubscribed</option>
          </select>
        </label>
        <label>
          Last visit
          <select value={notSeen} onChange={(e) => setNotSeen(e.target.value)}>
            <option value="">Any time</option>
            <option value="30">Not seen for 30+ days</option>
            <option value="60">Not seen for 60+ days</option>
            <option value="90">Not seen for 90+ days</option>
          </select>
        </label>
        <label>
          Birthday in
          <select value={month} onChange={(e) => setMonth(e.target.value)}>
            <option value="">Any month</option>
            {MONTHS.map((name, i) => (
              <option key={name} value={String(i + 1)}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <ErrorNote error={customers.error} />
      {items && items.length === 0 ? (
        <EmptyState title={q || filtered ? `Nobody matches${q ? ` “${q}”` : ' these filters'}` : 'No customers yet'}>
          <p>
            {q || filtered
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
                <th scope="col">Birthday</th>
                {(cards.data?.items.length ?? 0) > 1 && <th scope="col">Card</th>}
                <th scope="col">Last visit</th>
              </tr>
            </thead>
            <tbody>
              {!items && (
                <tr>
                  <td colSpan={8} className="hint">
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
                  <td className="nowrap">{formatBirthday(c.birthday) ?? <span className="hint">—</span>}</td>
                  {(cards.data?.items.length ?? 0) > 1 && <td>{cardName(c.cardId)}</td>}
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
