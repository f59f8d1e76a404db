/**
 * Adding one customer by hand (someone without a phone at the counter): through the same
 * `POST /v1/customers` as an import, so the same rules and the same consent history apply.
 */
import { useState } from 'react';
import { api, call } from '../api';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';
import { CustomerForm } from './CustomerForm';

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
    <CustomerForm
      label="Add a customer"
      submitLabel="Add customer"
      action={action}
      fields={{ email, birthday, consent, setEmail, setBirthday, setConsent }}
      emailLabel="Email (optional)"
      onSubmit={submit}
      onCancel={onCancel}
      leading={
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
      }
    >
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
    </CustomerForm>
  );
}
