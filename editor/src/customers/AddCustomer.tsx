/**
 * Adding one customer by hand (someone without a phone at the counter): through the same
 * `POST /v1/customers` as an import, so the same rules and the same consent history apply.
 */
import { useState } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';

export function AddCustomer({ onAdded, onCancel }: { onAdded: () => void; onCancel: () => void }) {
  const cards = useApi(() => call(api.v1.cards.$get()), []);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [birthday, setBirthday] = useState('');
  const [consent, setConsent] = useState(false);
  const [cardId, setCardId] = useState('');
  const action = useAction();
  const card = cardId || cards.data?.items[0]?.id;
  const submit = () =>
    action.run(async () => {
      await call(
        api.v1.customers.$post({
          json: { name, email: email || null, birthday: birthday || null, emailConsent: consent, ...(card ? { cardId: card } : {}) },
        }),
      );
      onAdded();
    });
  return (
    <form
      className="card add-customer"
      aria-label="Add a customer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <label>
        Email (optional)
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Birthday (optional, MM-DD or YYYY-MM-DD)
        <input value={birthday} onChange={(e) => setBirthday(e.target.value)} placeholder="03-14" />
      </label>
      {(cards.data?.items.length ?? 0) > 1 && (
        <label>
          Card
          <select value={card} onChange={(e) => setCardId(e.target.value)}>
            {cards.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="add-customer-consent">
        <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />
        They agreed to get emails from the shop
      </label>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={action.busy}>
          Add customer
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
