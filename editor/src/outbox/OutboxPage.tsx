/**
 * Messages the app captured instead of sending (no Postmark token, no wallet certificates):
 * emails as they would look, pushes on a lock screen.
 */
import { useEffect, useId, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api';
import { formatTime } from '../shell/format';
import { usePaged } from '../shell/use-paged';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { LockScreen } from '../shell/LockScreen';
import { useSignedIn } from '../shell/session';
import './outbox.css';
import { LoadMore } from '../shell/LoadMore';

type Channel = 'push' | 'email';

/** The field of the captured payload, when it is the type we expect. */
function payloadText(payload: unknown, key: string): string | undefined {
  if (typeof payload === 'string') {
    try {
      return payloadText(JSON.parse(payload) as unknown, key);
    } catch {
      return undefined;
    }
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as Record<string, unknown>)[key];
  return typeof value === 'string' && value ? value : undefined;
}

interface Captured {
  readonly id: string;
  /** Whom it was for, when the message says and the customer is still on file. */
  readonly customer: { readonly id: string; readonly name: string | null; readonly email: string | null } | null;
  /** The voucher code the message carried. */
  readonly voucherCode: string | null;
  readonly channel: string;
  readonly recipient: string;
  readonly subject: string | null;
  readonly body: string;
  readonly payload: unknown;
  readonly createdAt: string;
}

/** The customer's name as the list and the message say it; the address or "a card holder" without one. */
function whoOf(message: Captured): string {
  return message.customer?.name ?? message.customer?.email ?? (message.channel === 'email' ? message.recipient : 'A card holder');
}

/** The customer, linked to their page, and the voucher the message carried. */
function CustomerRows({ message }: { message: Captured }) {
  return (
    <>
      <div>
        <dt>Customer</dt>
        <dd>
          {message.customer ? <Link href={`/customers/${message.customer.id}`}>{whoOf(message)}</Link> : whoOf(message)}
          {message.customer?.name && message.customer.email && <span className="hint"> · {message.customer.email}</span>}
        </dd>
      </div>
      {message.voucherCode && (
        <div>
          <dt>Voucher</dt>
          <dd>
            <code data-testid="outbox-voucher">{message.voucherCode}</code>
          </dd>
        </div>
      )}
    </>
  );
}

function EmailMessage({ message }: { message: Captured }) {
  const html = payloadText(message.payload, 'htmlBody');
  const [showText, setShowText] = useState(!html);
  return (
    <article className="outbox-item outbox-email card" aria-label={`Email to ${whoOf(message)}`}>
      <header className="outbox-head">
        <span className="tag tag-email">Email</span>
        <time dateTime={message.createdAt}>{formatTime(message.createdAt, true)}</time>
      </header>
      <dl className="email-meta">
        <CustomerRows message={message} />
        <div>
          <dt>To</dt>
          <dd>{message.recipient}</dd>
        </div>
        {payloadText(message.payload, 'from') && (
          <div>
            <dt>From</dt>
            <dd>{payloadText(message.payload, 'from')}</dd>
          </div>
        )}
        <div>
          <dt>Subject</dt>
          <dd className="email-subject">{message.subject ?? <span className="hint">(no subject)</span>}</dd>
        </div>
      </dl>
      {html && (
        <div className="email-view-toggle" role="group" aria-label="How to show the email">
          <button type="button" aria-pressed={!showText} onClick={() => setShowText(false)}>
            As sent
          </button>
          <button type="button" aria-pressed={showText} onClick={() => setShowText(true)}>
            Plain text
          </button>
        </div>
      )}
      {html && !showText ? (
        <iframe className="email-frame" title={`Email “${message.subject ?? ''}” to ${message.recipient}`} sandbox="" srcDoc={html} />
      ) : (
        <pre className="email-text">{message.body}</pre>
      )}
    </article>
  );
}

function PushMessage({ message, merchantName }: { message: Captured; merchantName: string }) {
  return (
    <article className="outbox-item outbox-push card" aria-label={`Wallet push to ${whoOf(message)}`}>
      <header className="outbox-head">
        <span className="tag tag-push">Wallet push</span>
        <time dateTime={message.createdAt}>{formatTime(message.createdAt, true)}</time>
      </header>
      <LockScreen title={merchantName} message={message.body} at={new Date(message.createdAt)} />
      <dl className="email-meta">
        <CustomerRows message={message} />
      </dl>
      <details className="technical">
        <summary>Technical details</summary>
        <p>
          Card <code>{message.recipient || '—'}</code>
        </p>
      </details>
    </article>
  );
}

/** One line of the message list: channel, recipient, subject or text, time. */
function MessageRow({ message, selected, onSelect }: { message: Captured; selected: boolean; onSelect: () => void }) {
  const email = message.channel === 'email';
  return (
    <li>
      <button type="button" className="outbox-row" aria-current={selected ? 'true' : undefined} onClick={onSelect}>
        <span className="outbox-row-head">
          <span className={`tag tag-${email ? 'email' : 'push'}`}>{email ? 'Email' : 'Push'}</span>
          <span className="outbox-row-to">{whoOf(message)}</span>
          <time dateTime={message.createdAt} className="hint">
            {formatTime(message.createdAt)}
          </time>
        </span>
        <span className="outbox-row-text">{email ? (message.subject ?? '(no subject)') : message.body}</span>
      </button>
    </li>
  );
}

export function OutboxPage() {
  const session = useSignedIn();
  const [channel, setChannel] = useState<Channel>();
  const [selectedId, setSelectedId] = useState<string>();
  const filterId = useId();
  const searchId = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  // One search per pause in typing, not per key.
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  // No polling: new messages arrive at the top and would push what is being read down.
  const outbox = usePaged((cursor, limit) => call(api.v1.outbox.$get({ query: { channel, q: q || undefined, limit: String(limit), cursor } })), [channel, q], {
    pageSize: 50,
  });
  const items = outbox.items;
  const selected = items?.find((m) => m.id === selectedId) ?? items?.[0];

  return (
    <div className="outbox">
      <PageHeader title="Outbox">
        <div className="filter-field">
          <label htmlFor={searchId} className="filter-label">
            Find
          </label>
          <input id={searchId} type="search" value={text} placeholder="Name or email" onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="filter-field">
          <label htmlFor={filterId} className="filter-label">
            Show
          </label>
          <select id={filterId} value={channel ?? ''} onChange={(e) => setChannel((e.target.value || undefined) as Channel | undefined)}>
            <option value="">Emails and pushes</option>
            <option value="email">Emails</option>
            <option value="push">Wallet pushes</option>
          </select>
        </div>
        <button type="button" className="outbox-refresh" onClick={outbox.reload} disabled={outbox.loading}>
          {outbox.loading && items ? 'Refreshing…' : 'Refresh'}
        </button>
      </PageHeader>
      <p className="hint outbox-intro">
        Messages kept here instead of sent, while email sending and Apple Wallet are not connected yet. Each shows exactly what the
        customer would have received.
      </p>
      <ErrorNote error={outbox.error} />
      {!items && !outbox.error && <p className="hint">Loading the outbox…</p>}
      {items && items.length === 0 && (
        <EmptyState title={q ? `Nothing for “${q}”` : channel ? `No captured ${channel === 'email' ? 'emails' : 'pushes'}` : 'The outbox is empty'}>
          {q ? (
            <p>No message to a customer whose name or email has “{q}”. Try part of the name, or clear the search.</p>
          ) : (
            <>
          <p>
            While email sending and Apple Wallet are not connected, messages land here instead of going out. Send a campaign or run a
            flow, and its messages appear here.
          </p>
          <p>
            <Link href="/campaigns/new">Create a card campaign</Link>
          </p>
            </>
          )}
        </EmptyState>
      )}
      {items && items.length > 0 && (
        <div className="outbox-split" aria-busy={outbox.loading}>
          <div className="outbox-side">
            <ul className="outbox-list" aria-label="Captured messages">
              {items.map((m) => (
                <MessageRow key={m.id} message={m} selected={m.id === selected?.id} onSelect={() => setSelectedId(m.id)} />
              ))}
            </ul>
            <LoadMore list={outbox} />
          </div>
          <div className="outbox-detail">
            {selected &&
              (selected.channel === 'email' ? (
                <EmailMessage key={selected.id} message={selected} />
              ) : (
                <PushMessage key={selected.id} message={selected} merchantName={session.merchant.name} />
              ))}
          </div>
        </div>
      )}
    </div>
  );
}
