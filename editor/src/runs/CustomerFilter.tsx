/**
 * "Which customer?" for the deliveries filter: a customer id filters at once; a name or an
 * email is looked up (debounced) and offers the matches to choose from.
 */
import { useEffect, useId, useState } from 'react';
import { api, call, messageOf } from '../api';
import { isUuid } from '../shell/format';

export interface ChosenCustomer {
  readonly id: string;
  readonly label: string;
}

interface Match {
  readonly id: string;
  readonly name: string | null;
  readonly email: string | null;
}

export function CustomerFilter({ value, onChange }: { value: ChosenCustomer | undefined; onChange: (c: ChosenCustomer | undefined) => void }) {
  const [text, setText] = useState('');
  const [matches, setMatches] = useState<readonly Match[]>();
  const [error, setError] = useState<string>();
  const inputId = useId();
  const listId = useId();

  useEffect(() => {
    const q = text.trim();
    setError(undefined);
    if (!q || isUuid(q)) {
      setMatches(undefined);
      return;
    }
    let stale = false;
    const timer = window.setTimeout(() => {
      call(api.v1.customers.$get({ query: { q, limit: '6' } }))
        .then((page) => !stale && setMatches(page.items))
        .catch((err: unknown) => !stale && setError(messageOf(err)));
    }, 300);
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
  }, [text]);

  if (value) {
    return (
      <div className="filter-field">
        <span className="filter-label">Customer</span>
        <span className="chip">
          {value.label}
          <button type="button" className="chip-clear" aria-label={`Show every customer, not only ${value.label}`} onClick={() => onChange(undefined)}>
            ×
          </button>
        </span>
      </div>
    );
  }

  const choose = (c: ChosenCustomer) => {
    onChange(c);
    setText('');
    setMatches(undefined);
  };

  return (
    <div className="filter-field customer-filter">
      <label htmlFor={inputId} className="filter-label">
        Customer
      </label>
      <input
        id={inputId}
        type="search"
        placeholder="Name, email or id"
        value={text}
        aria-describedby={matches ? listId : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          const q = text.trim();
          if (e.key === 'Enter' && isUuid(q)) choose({ id: q, label: q.slice(0, 8) });
          else if (e.key === 'Enter' && matches?.length === 1 && matches[0]) choose({ id: matches[0].id, label: matches[0].name ?? matches[0].email ?? matches[0].id });
        }}
      />
      {isUuid(text.trim()) && (
        <div className="customer-matches">
          <button type="button" onClick={() => choose({ id: text.trim(), label: text.trim().slice(0, 8) })}>
            Filter by this id
          </button>
        </div>
      )}
      {matches && (
        <div className="customer-matches" id={listId} role="group" aria-label="Matching customers">
          {matches.length === 0 && <span className="hint">No customer matches “{text.trim()}”.</span>}
          {matches.map((m) => {
            const label = m.name ?? m.email ?? m.id.slice(0, 8);
            return (
              <button key={m.id} type="button" onClick={() => choose({ id: m.id, label })}>
                {label}
                {m.email && m.name && <span className="hint"> {m.email}</span>}
              </button>
            );
          })}
        </div>
      )}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
