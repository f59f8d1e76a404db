/** A customer's email consent: where it stands, and every change with its source and time. */
import { api, call } from '../api';
import { formatTime } from '../shell/format';
import { ErrorNote } from '../shell/Layout';
import { useApi } from '../shell/use-api';

const SOURCES: Record<string, string> = {
  import: 'customer import',
  api: 'changed by the shop',
  unsubscribe_link: 'the unsubscribe link in an email',
  resubscribe_link: 'the resubscribe button',
  provider_complaint: 'marked an email as spam',
  provider_subscription_change: 'unsubscribed through the email service',
  join_page: 'the join page (QR at the counter)',
  staff_edit: 'edited by staff',
};

const STATES: Record<string, string> = {
  granted: 'Agreed to emails',
  withdrawn: 'No consent — gets no marketing emails',
  unsubscribed: 'Unsubscribed — gets no marketing emails',
};

export function ConsentHistory({ customerId }: { customerId: string }) {
  const consent = useApi(() => call(api.v1.customers[':id'].consent.$get({ param: { id: customerId } })), [customerId]);
  return (
    <section aria-labelledby="consent-title" className="consent card">
      <h2 id="consent-title">Email consent</h2>
      <ErrorNote error={consent.error} />
      {consent.data && (
        <>
          <p data-testid="consent-state">{STATES[consent.data.state] ?? consent.data.state}</p>
          {consent.data.items.length === 0 ? (
            <p className="hint">No change recorded yet.</p>
          ) : (
            <ol className="consent-history" aria-label="Consent history">
              {consent.data.items.map((item, i) => (
                <li key={`${item.at}-${i}`}>
                  <span className={`status status-${item.state === 'granted' ? 'sent' : 'skipped'}`}>{item.state}</span>{' '}
                  via {SOURCES[item.source] ?? item.source} <span className="hint">{formatTime(item.at)}</span>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
