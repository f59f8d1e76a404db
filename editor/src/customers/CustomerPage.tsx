/** One customer: their facts, why each recent run did or did not reach them, and their timeline. */
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api';
import { formatTime, shortId } from '../shell/format';
import { ErrorNote, PageHeader } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { ConsentHistory } from './ConsentHistory';
import { CustomerTimeline } from './CustomerTimeline';
import { EditCustomer } from './EditCustomer';
import { OutcomeList } from './OutcomeList';
import { formatBirthday } from './birthday';
import './customers.css';

export function CustomerPage({ id }: { id: string }) {
  const timeline = useApi(() => call(api.v1.customers[':id'].timeline.$get({ param: { id } })), [id]);
  const cards = useApi(() => call(api.v1.cards.$get()), []);
  // The customer's own record carries the link to their wallet page.
  const record = useApi(() => call(api.v1.customers[':id'].$get({ param: { id } })), [id]);
  const walletUrl = record.data?.walletUrl;
  const [editing, setEditing] = useState(false);
  /** Bumped after an edit, so the consent history reads the new entry. */
  const [saved, setSaved] = useState(0);
  const data = timeline.data;
  const customer = data?.customer;
  const card = cards.data?.items.find((c) => c.id === customer?.cardId);

  return (
    <div className="customer-page">
      <PageHeader title={customer ? customer.name || customer.email || shortId(customer.id) : 'Customer'}>
        <Link href="/customers" className="button">
          All customers
        </Link>
        {record.data && !editing && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        <button type="button" onClick={timeline.reload} disabled={timeline.loading}>
          {timeline.loading && data ? 'Refreshing…' : 'Refresh'}
        </button>
      </PageHeader>
      <ErrorNote error={timeline.error} />
      {!data && !timeline.error && <p className="hint">Loading the customer…</p>}
      {editing && record.data && (
        <EditCustomer
          customer={record.data}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setSaved((n) => n + 1);
            record.reload();
            timeline.reload();
          }}
        />
      )}
      {customer && data && (
        <>
          <dl className="customer-facts card">
            <div>
              <dt>Email</dt>
              <dd>{customer.email ?? <span className="hint">none on file</span>}</dd>
            </div>
            <div>
              <dt>Birthday</dt>
              <dd>{record.data?.birthday ? formatBirthday(record.data.birthday) : <span className="hint">not known</span>}</dd>
            </div>
            <div>
              <dt>Email consent</dt>
              <dd>{customer.emailConsent ? 'Yes, agreed to emails' : 'No — gets no emails'}</dd>
            </div>
            <div>
              <dt>Stamps</dt>
              <dd>
                {customer.stamps}
                {card && ` of ${card.stampsRequired}`}
              </dd>
            </div>
            <div>
              <dt>Last visit</dt>
              <dd>{customer.lastVisitAt ? formatTime(customer.lastVisitAt) : 'never'}</dd>
            </div>
            <div>
              <dt>Card</dt>
              <dd>{card?.name ?? (customer.cardId ? <code>{shortId(customer.cardId)}</code> : 'no card')}</dd>
            </div>
            <div>
              <dt>Wallet</dt>
              <dd>
                {walletUrl ? (
                  <a
                    href={walletUrl}
                    target="_blank"
                    rel="noreferrer"
                    title="The customer's page with Add to Apple Wallet and Save to Google Wallet"
                  >
                    Wallet page
                  </a>
                ) : (
                  <span className="hint">no pass</span>
                )}
              </dd>
            </div>
          </dl>

          <ConsentHistory key={saved} customerId={id} />

          <section aria-labelledby="why-title" className="why">
            <div className="section-title">
              <h2 id="why-title">Why did this customer get nothing?</h2>
              <span className="hint">What each recent run did for them</span>
            </div>
            <OutcomeList runs={data.runs} />
          </section>

          <section aria-labelledby="timeline-title">
            <div className="section-title">
              <h2 id="timeline-title">Timeline</h2>
              <span className="hint">Every step and message, run by run</span>
            </div>
            <CustomerTimeline items={data.items} runs={data.runs} />
          </section>
        </>
      )}
    </div>
  );
}
